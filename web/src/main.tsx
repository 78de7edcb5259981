import { render } from 'preact';
import { App } from './app';
import { language } from './i18n';
import { restore, signedOut } from './session';
import './styles.css';

document.documentElement.lang = language.get();
render(<App />, document.getElementById('app')!);
restore().catch(() => signedOut());
