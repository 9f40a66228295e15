import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { applyTheme, resolveTheme, ToastProvider } from '@hadir/ui';
import { App } from './app';
import { initI18n } from './i18n';
import './styles.css';

initI18n();
applyTheme(resolveTheme());

const root = document.getElementById('root');
if (!root) throw new Error('missing #root');
createRoot(root).render(
  <StrictMode>
    <ToastProvider>
      <App />
    </ToastProvider>
  </StrictMode>,
);
