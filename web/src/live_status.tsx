// The WebSocket's state as a small status beside a heading: live, off or reconnecting (home and
// notifications).
import { t } from './i18n';
import { liveStatus, type LiveStatus } from './live';

// "live", "not updating" or "reconnecting…" in the user's language.
export const liveStatusText = (status: LiveStatus): string =>
  t(status === 'open' ? 'live_on' : status === 'idle' ? 'live_off' : 'live_reconnecting');

export function LiveStatusDot() {
  const status = liveStatus.use();
  return (
    <span class={`live-dot ${status}`} data-testid="live-status" role="status">
      {liveStatusText(status)}
    </span>
  );
}
