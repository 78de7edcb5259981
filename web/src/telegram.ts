// Inside Telegram (the Mini App): Telegram opens the app with its launch parameters in the URL's
// hash (tgWebAppData, tgWebAppThemeParams, ...), and Telegram's script keeps them in
// sessionStorage across reloads. The script (telegram-web-app.js, from the @twa-dev/sdk package)
// is one of our own hashed assets and is loaded only inside Telegram: browsers never download it.
// It sets --tg-theme-* CSS variables from Telegram's theme, which styles.css uses.
import type { WebApp as TelegramWebApp } from '@twa-dev/types';

export function insideTelegram(): boolean {
  if (/(^#|&)tgWebApp/.test(location.hash)) return true;
  try {
    const stored = sessionStorage.getItem('__telegram__initParams');
    return !!stored && !!JSON.parse(stored)?.tgWebAppData;
  } catch {
    return false;
  }
}

let loaded: Promise<TelegramWebApp> | null = null;

export function telegramWebApp(): Promise<TelegramWebApp> {
  if (!loaded) {
    loaded = import('@twa-dev/sdk').then((m) => {
      const app = m.default;
      app.ready();
      app.expand();
      return app;
    });
  }
  return loaded;
}
