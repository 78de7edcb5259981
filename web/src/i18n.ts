// The web app's texts: Russian by default, English by the user's choice, else by Telegram's
// language (inside the Mini App), else by the signed-in user's setting, else by the browser.
import en from './i18n/en.json';
import ru from './i18n/ru.json';
import { createStore } from './store';

export type Lang = 'ru' | 'en';
export type Key = keyof typeof ru;
const catalogues: Record<Lang, Record<Key, string>> = { ru, en };
const CHOICE = 'lucas.lang';

const normalise = (code: string | undefined | null): Lang | null =>
  !code ? null : code.toLowerCase().startsWith('en') ? 'en' : 'ru';

function stored(): Lang | null {
  try {
    return normalise(localStorage.getItem(CHOICE));
  } catch {
    return null;
  }
}

export const language = createStore<Lang>(stored() ?? normalise(navigator.language) ?? 'ru');

// A language the app learnt (Telegram's, the user's setting) counts unless the user chose one.
export function suggestLanguage(code: string | undefined | null): void {
  const l = normalise(code);
  if (l && !stored()) setLanguage(l, false);
}

export function setLanguage(l: Lang, remember = true): void {
  if (remember) {
    try {
      localStorage.setItem(CHOICE, l);
    } catch {
      // private mode: the choice lasts this visit
    }
  }
  document.documentElement.lang = l;
  language.set(l);
}

export function t(key: Key, args: Record<string, string | number> = {}, lang?: Lang): string {
  const text = catalogues[lang ?? language.get()][key] ?? ru[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in args ? String(args[name]) : m));
}

// Re-renders the caller when the language changes.
export function useLanguage(): Lang {
  return language.use();
}

export function formatTime(iso: string, lang: Lang): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'ru-RU', {
        dateStyle: 'medium',
        timeStyle: 'short',
      }).format(d);
}
