// Client-side routes over the History API (the server answers every such path with index.html).
// Paths, not hashes: inside Telegram the hash carries Telegram's launch parameters.
import { createStore } from './store';

export const route = createStore(location.pathname);

export function navigate(path: string, replace = false): void {
  if (path === location.pathname) return;
  // Telegram's launch parameters stay in the hash until its script has read them.
  const url = /(^#|&)tgWebApp/.test(location.hash) ? path + location.hash : path;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  route.set(path);
  window.scrollTo(0, 0);
}

window.addEventListener('popstate', () => route.set(location.pathname));

// Internal links: a normal <a href> whose click the router handles (modifier keys still open a
// new tab, so links stay links for keyboards and screen readers).
export function onLinkClick(e: MouseEvent): void {
  const a = (e.currentTarget as HTMLAnchorElement | null) ?? null;
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)
    return;
  e.preventDefault();
  navigate(a.getAttribute('href') ?? '/');
}
