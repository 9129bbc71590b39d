// A fresh mock registry per test: its own port, data file and demo inventory, stopped after.
import { test as base } from '@playwright/test';
import { MockRegistry } from './registry.ts';

export const test = base.extend<{ registry: MockRegistry }>({
  registry: async ({}, provide) => {
    const registry = await MockRegistry.create();
    await registry.start();
    await provide(registry);
    await registry.dispose();
  },
});

export { expect } from '@playwright/test';
