// The admin panel (requirement 34), loaded on demand: health, queues, users (search, a user's
// page), bulk grants, the trades' scam flags, audit, the parser, jobs, backups and (admins only)
// the item catalogue and the live logs. What a role may do is decided by the
// service; the panel shows what it refuses.
import type { User } from '../../api';
import { t, useLanguage } from '../../i18n';
import { onLinkClick } from '../../router';
import { AuditPage } from './audit';
import { BackupsPage } from './backups';
import { CataloguePage } from './catalogue';
import { HealthPage } from './health';
import { JobsPage, mayAct } from './jobs';
import { LogsPage } from './logs';
import { GrantsPage } from './grants';
import { ParserPage } from './parser';
import { QueuesPage } from './queues';
import { TradeFlagsPage } from './trades';
import { UserPage } from './user';
import { UsersPage } from './users';
import './admin.css';

const TABS = [
  ['/admin/health', 'admin_tab_health'],
  ['/admin', 'admin_tab_queues'],
  ['/admin/users', 'admin_tab_users'],
  ['/admin/grants', 'admin_tab_grants'],
  ['/admin/catalogue', 'admin_tab_catalogue'],
  ['/admin/trades', 'admin_tab_trades'],
  ['/admin/audit', 'admin_tab_audit'],
  ['/admin/parser', 'admin_tab_parser'],
  ['/admin/jobs', 'admin_tab_jobs'],
  ['/admin/backups', 'admin_tab_backups'],
  ['/admin/logs', 'admin_tab_logs'],
] as const;

export function AdminPanel({ path, user }: { path: string; user: User }) {
  useLanguage();
  const current = TABS.find(([href]) => href === path || (href !== '/admin' && path.startsWith(`${href}/`)))?.[0];
  const userId = /^\/admin\/users\/(\d{1,16})$/.exec(path)?.[1];
  let page;
  if (path === '/admin') page = <QueuesPage />;
  else if (path === '/admin/users') page = <UsersPage />;
  else if (userId) page = <UserPage key={userId} id={Number(userId)} />;
  else if (path === '/admin/grants') page = <GrantsPage />;
  else if (path === '/admin/catalogue') page = mayAct(user) ? <CataloguePage /> : <p class="error refused" role="alert" data-testid="admin-refused">{t('admin_catalogue_admins_only')}</p>;
  else if (path === '/admin/trades') page = <TradeFlagsPage />;
  else if (path === '/admin/audit') page = <AuditPage />;
  else if (path === '/admin/parser') page = <ParserPage />;
  else if (path === '/admin/health') page = <HealthPage />;
  else if (path === '/admin/jobs') page = <JobsPage me={user} />;
  else if (path === '/admin/backups') page = <BackupsPage me={user} />;
  else if (path === '/admin/logs') page = <LogsPage />;
  else page = <p class="error">{t('not_found_title')}</p>;
  return (
    <div class="admin" data-testid="admin-panel">
      <nav class="admin-tabs" aria-label={t('admin_title')}>
        {TABS.filter(([href]) => (href !== '/admin/logs' && href !== '/admin/catalogue') || mayAct(user)).map(([href, key]) => (
          <a key={href} href={href} onClick={onLinkClick} aria-current={current === href ? 'page' : undefined}>
            {t(key)}
          </a>
        ))}
      </nav>
      {page}
    </div>
  );
}
