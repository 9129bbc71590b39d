// "Save the unsent events file": what a tablet that cannot send gives the office (a withdrawn
// device, or one leaving its center). The tablet notes what the file holds only after the
// browser has the file, so leaving can never discard an event that is in no file.
import { useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { outboxSummary } from '../../db/outbox.ts';
import {
  buildUnsentEventsFile,
  noteUnsentEventsExported,
  unsentEventsFileName,
} from '../../db/unsent-export.ts';
import { describeCommandError } from '../../ui/command-error.ts';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { saveFile } from '../../ui/save-file.ts';
import { useServices } from '../../services/services.tsx';

/** How many events the file would hold now (unsent, or refused and not yet settled). */
export function useUnsettledCount(): number {
  const { db } = useServices();
  const summary = useLiveQuery(() => outboxSummary(db), [db]);
  return (summary?.pending ?? 0) + (summary?.needsAttention ?? 0);
}

export function UnsentEventsExport() {
  const i18n = useI18n();
  const { t, count } = i18n;
  const { db, now } = useServices();
  const [saved, setSaved] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const save = async () => {
    setProblem(null);
    try {
      const { file, throughSeq } = await buildUnsentEventsFile(db, now());
      const fileName = unsentEventsFileName(file);
      saveFile(new Blob([JSON.stringify(file, null, 2)], { type: 'application/json' }), fileName);
      await noteUnsentEventsExported(db, throughSeq);
      setSaved(t('unsentExported', { file: fileName, count: count(file.events.length) }));
    } catch (error) {
      setProblem(describeCommandError(error, i18n));
    }
  };

  return (
    <>
      <button type="button" className="button" onClick={() => void save()}>
        {t('unsentExport')}
      </button>
      {saved ? (
        <p className="notice notice-success" role="status">
          {saved}
        </p>
      ) : null}
      <ErrorNotice message={problem} />
    </>
  );
}
