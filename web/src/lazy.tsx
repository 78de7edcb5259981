// Pages are loaded on first visit (each is its own chunk), so the first download stays small.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from './i18n';
import { ErrorRetry } from './fields';

export function lazyPage<P extends object>(
  load: () => Promise<ComponentType<P>>,
): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  const start = () => {
    if (!pending) {
      pending = load().then(
        (c) => (loaded = c),
        (e) => {
          pending = null; // a later visit tries again
          throw e;
        },
      );
    }
    return pending;
  };
  return function LazyPage(props: P) {
    const [, setReady] = useState(0);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (loaded) return;
      let live = true;
      start().then(
        () => live && setReady((n) => n + 1),
        () => live && setFailed(true),
      );
      return () => {
        live = false;
      };
    }, [failed]);
    if (loaded) {
      const Page = loaded;
      return <Page {...props} />;
    }
    if (failed) {
      return (
        <ErrorRetry message={t('error_network')} onRetry={() => setFailed(false)} />
      );
    }
    return <p class="muted">{t('loading')}</p>;
  };
}
