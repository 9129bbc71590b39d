// Step 8b: the initial pull over an emulated slow link, 4 Mbit/s down, 1 Mbit/s up, 100 ms
// round trip (CDP Network.emulateNetworkConditions on the bench page), of a center of its own
// seeded with `--link-cards` cards, into a fresh tablet (bench/page/steps/link-pull.ts). Must
// stay true: the link is slowed only around the sync and restored whatever happens, and the
// figure has no budget (the issue gives none).
import type { Page } from '@playwright/test';
import type { RegistryHandler } from '../../../server/handler.ts';
import { cardsPath } from '../../../src/protocol/protocol.ts';
import { informationalMetric, requestStats, round2 } from '../metrics.ts';
import { progress } from '../progress.ts';
import { seedCenter } from '../registry.ts';
import { bytesPerCard, watchCodings } from '../wire-codings.ts';

/** The link center: its own inventory, so the link pull's size is not tied to `--cards`. */
export const LINK_CENTER_ID = 'LINK-01';

export const LINK = {
  /** Minimum round trip Chromium adds to each request, ms. */
  latencyMs: 100,
  downloadBitsPerSecond: 4_000_000,
  uploadBitsPerSecond: 1_000_000,
};

export async function measureLinkPull(bench: Page, registry: RegistryHandler, cardCount: number) {
  progress(
    `step 8b: initial pull of ${cardCount} cards over an emulated ${LINK.downloadBitsPerSecond / 1e6} Mbit/s, ${LINK.latencyMs} ms link…`,
  );
  await seedCenter(registry, LINK_CENTER_ID, cardCount);
  const { code } = await registry.state.devices.issueCode(LINK_CENTER_ID, 60);
  const tablet = await bench.evaluate(
    (enrolmentCode) => window.tahvilBench.prepareLinkTablet(enrolmentCode),
    code,
  );
  if (tablet.centerId !== LINK_CENTER_ID)
    throw new Error(`link pull: the tablet enrolled at ${tablet.centerId}, not ${LINK_CENTER_ID}`);

  const cdp = await bench.context().newCDPSession(bench);
  const codings = watchCodings(bench, cardsPath(LINK_CENTER_ID));
  let pull;
  try {
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: LINK.latencyMs,
      // CDP takes bytes per second.
      downloadThroughput: LINK.downloadBitsPerSecond / 8,
      uploadThroughput: LINK.uploadBitsPerSecond / 8,
    });
    pull = await bench.evaluate(
      (expected) => window.tahvilBench.measureLinkPull(expected),
      cardCount,
    );
  } finally {
    await cdp
      .send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      })
      .catch(() => undefined);
    await cdp.detach().catch(() => undefined);
  }
  const wire = { ...bytesPerCard(pull.wire, cardCount), ...(await codings.stop()) };
  if (pull.storedCards !== cardCount)
    throw new Error(
      `link pull: the tablet holds ${pull.storedCards} cards, the registry ${cardCount}`,
    );
  // Every request waits at least the emulated round trip: a faster answer means no emulation.
  const fastestAnswerMs = Math.min(...pull.answerMs);
  const emulated = fastestAnswerMs >= LINK.latencyMs;
  if (!emulated)
    progress(
      `warning: a link pull page was answered in ${round2(fastestAnswerMs)} ms, under the emulated ${LINK.latencyMs} ms round trip`,
    );
  // What the bodies alone need at the emulated rate: the floor the link puts under the pull.
  const bodyTransferFloorMs = (wire.encodedBytes * 8 * 1000) / LINK.downloadBitsPerSecond;
  const metric = informationalMetric(
    'link-pull',
    `initial pull of ${cardCount} cards at ${LINK.downloadBitsPerSecond / 1e6} Mbit/s, ${LINK.latencyMs} ms RTT`,
    pull.ms,
    cardCount,
    'cards/s',
    {
      link: LINK,
      pages: pull.pages,
      pageLimit: pull.pageLimit,
      perPage: requestStats(pull),
      cycleMsEach: pull.cycleMs.map(Math.round),
      beforeFirstPageMs: round2(pull.beforeFirstPageMs),
      otherRequests: pull.otherRequests,
      wire,
      bodyTransferFloorMs: Math.round(bodyTransferFloorMs),
      verified: {
        storedCards: pull.storedCards,
        expected: cardCount,
        pulledCardsReported: pull.pulledCards,
        initialPullDone: pull.initialPullDone,
        emulated,
        fastestAnswerMs: round2(fastestAnswerMs),
      },
    },
  );
  progress(
    `link pull: ${round2(pull.ms)} ms, ${metric.rate} cards/s, ${pull.pages} pages; ${wire.onTheWirePerCard} B/card on the wire (${JSON.stringify(wire.byContentEncoding)}), bodies alone ${Math.round(bodyTransferFloorMs)} ms at the link's rate`,
  );
  return metric;
}
