/** The announcements layer as adapters see it: load the config, create an announcer. */
export { loadAnnounceConfig, defaultConfigPath, describeDestination, type AnnounceConfig, type LoadedAnnounceConfig } from './config';
export { createAnnouncer, type Announcer, type AnnouncerOptions, type AnnounceResult, type AnnounceStatus, type FlushResult, type CheckLine } from './announcer';
export { formatRecap, RECAP_WINDOW, RECAP_WINDOW_MS, type Recap } from './recap';
export { announcementsFor, askAnnouncement, neutraliseMentions } from './messages';
export { maskSecrets } from './secrets';
export { outboxPaths } from './outbox';
