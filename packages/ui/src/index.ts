// @hadir/ui: the design system shared by the management web app and the mobile app. Import it only
// through this entry; the tokens are in ../tokens.css (`@import '@hadir/ui/tokens.css'` in the app's CSS).
// Components translate their own fixed labels with react-i18next: each app registers the `common`,
// `table`, … keys they use (see CONTEXT.md).
export * from './badge';
export * from './button';
export * from './card';
export * from './combobox';
export * from './cx';
export * from './date-field';
export * from './empty-state';
export * from './field';
export * from './icons';
export * from './menu';
export * from './modal';
export * from './page';
export * from './spinner';
export * from './table';
export * from './theme';
export * from './toast';
