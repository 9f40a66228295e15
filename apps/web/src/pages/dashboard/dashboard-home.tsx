import { useCan } from '../../auth/session';
import { HomePage } from '../home-page';
import { LiveDashboardPage } from './live-dashboard-page';

/** "/" is the live board for those who may see presence; everyone else keeps the welcome page. */
export function DashboardHome() {
  return useCan('presence:view') ? <LiveDashboardPage /> : <HomePage />;
}
