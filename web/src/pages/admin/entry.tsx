// The admin panel's door in the initial bundle: it only loads the panel's code (a separate chunk)
// when an /admin page is opened, so the initial JavaScript stays within its budget.
import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { User } from '../../api';
import { t } from '../../i18n';

export const ADMIN_ROLES = ['moderator', 'admin', 'owner'];
export const isStaff = (user: User) => ADMIN_ROLES.includes(user.role);

type Props = { path: string; user: User };
let loaded: FunctionComponent<Props> | null = null;

export function AdminRoute(props: Props) {
  const [Panel, setPanel] = useState<FunctionComponent<Props> | null>(() => loaded);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (loaded) return;
    import('./panel').then(
      (m) => {
        loaded = m.AdminPanel;
        setPanel(() => m.AdminPanel);
      },
      () => setFailed(true),
    );
  }, []);
  if (Panel) return <Panel {...props} />;
  return failed ? (
    <p class="error" role="alert">
      {t('error_network')}
    </p>
  ) : (
    <p class="muted">{t('loading')}</p>
  );
}
