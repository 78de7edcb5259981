import { render } from 'preact';
import { App } from './app';
import { language } from './i18n';
import { registerServiceWorker } from './offline';
import { restore, signedOut } from './session';
import './styles.css';

document.documentElement.lang = language.get();
render(<App />, document.getElementById('app')!);
// Not reachable and nothing kept: the sign-in page, and the data kept for later stays.
restore().catch(() => signedOut(false));
registerServiceWorker();
