export * from './database.ts';
export * from './records.ts';
export * from './settings.ts';
export * from './counters.ts';
export * from './cards.ts';
export * from './handovers.ts';
export * from './queries.ts';
export * from './outbox.ts';
