import { useRef, useState, type DragEvent } from 'react';
import { useI18n } from '../../ui/i18n.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { FigureTiles } from '../../ui/FigureTiles.tsx';
import { describeCommandError } from '../../ui/command-error.ts';
import { CSV_MIME_TYPE, saveFile } from '../../ui/save-file.ts';
import { REQUIRED_MANIFEST_COLUMNS, MANIFEST_COLUMNS } from '../../domain/manifest.ts';
import { useServices, useSettings } from '../../services/services.tsx';
import type { UiLanguage } from '../../domain/jalali.ts';
import {
  EMPTY_IMPORT_COUNTS,
  importManifestFile,
  type ImportCounts,
  type ImportOutcome,
  type ImportProgress,
  type RejectedImportRow,
} from './run-manifest-import.ts';
import { describeImportProblem } from './import-problem.ts';
import { importRunningNow, setImportState, useImportState } from './import-store.ts';
import { rejectedRowsCsv, rejectedRowsFileName } from './rejected-rows-file.ts';

/** Rejected rows shown on screen; the downloadable file has them all. */
const REJECTED_ROWS_SHOWN = 100;

const listSeparator = (language: UiLanguage) => (language === 'fa' ? '، ' : ', ');

export function ImportScreen() {
  const i18n = useI18n();
  const { t } = i18n;
  const { db, now } = useServices();
  const { centerId } = useSettings();
  const state = useImportState(db);
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const running = state.phase === 'running';

  async function importFile(file: File) {
    if (importRunningNow(db)) return;
    const fileName = file.name;
    // Marked running before anything is awaited: a second drop while the worker starts is ignored.
    setImportState(db, {
      phase: 'running',
      fileName,
      progress: { ...EMPTY_IMPORT_COUNTS, bytesRead: 0, totalBytes: file.size },
    });
    let outcome: ImportOutcome;
    try {
      outcome = await importManifestFile({
        db,
        file,
        context: { centerId, now: now() },
        onProgress: (progress) => setImportState(db, { phase: 'running', fileName, progress }),
      });
    } catch (error) {
      // The worker could not even start: nothing was written.
      outcome = { kind: 'failed', error, counts: { ...EMPTY_IMPORT_COUNTS }, rejectedRows: [] };
    }
    setImportState(db, { phase: 'finished', fileName, outcome });
    if (fileInput.current) fileInput.current.value = '';
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) void importFile(file);
  }

  return (
    <section className="screen import-screen" aria-labelledby="import-title">
      <h1 id="import-title">{t('importTitle')}</h1>
      <p className="muted">{t('importIntro')}</p>
      <dl className="manifest-columns">
        <div>
          <dt>{t('importRequiredColumns')}</dt>
          <dd>
            <ColumnNames columns={REQUIRED_MANIFEST_COLUMNS} />
          </dd>
        </div>
        <div>
          <dt>{t('importOptionalColumns')}</dt>
          <dd>
            <ColumnNames
              columns={MANIFEST_COLUMNS.filter(
                (column) => !REQUIRED_MANIFEST_COLUMNS.includes(column),
              )}
            />
          </dd>
        </div>
      </dl>

      <div
        className={`drop-zone${dragging ? ' drop-zone-active' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <label
          className="button button-primary button-large file-button"
          aria-disabled={running || undefined}
        >
          {t('importChooseFile')}
          <input
            ref={fileInput}
            type="file"
            accept=".csv,text/csv"
            disabled={running}
            className="visually-hidden"
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file) void importFile(file);
            }}
          />
        </label>
        <p className="muted">{t('importDropHint')}</p>
      </div>

      {state.phase === 'running' ? (
        <ImportRunning fileName={state.fileName} progress={state.progress} />
      ) : null}
      {state.phase === 'finished' ? (
        <ImportResult fileName={state.fileName} outcome={state.outcome} />
      ) : null}
    </section>
  );
}

/** File column names are English identifiers: each one kept left-to-right inside Persian text. */
function ColumnNames({ columns }: { columns: readonly string[] }) {
  return (
    <ul className="column-names">
      {columns.map((column) => (
        <li key={column}>
          <code dir="ltr">{column}</code>
        </li>
      ))}
    </ul>
  );
}

function ImportRunning({ fileName, progress }: { fileName: string; progress: ImportProgress }) {
  const { t, count } = useI18n();
  return (
    <div className="import-progress">
      <p id="import-progress-label">
        {t('importReading', { file: fileName, count: count(progress.rowsRead) })}
      </p>
      <progress
        aria-labelledby="import-progress-label"
        max={Math.max(progress.totalBytes, 1)}
        value={progress.bytesRead}
      />
      <ImportCountsList counts={progress} />
    </div>
  );
}

function ImportResult({ fileName, outcome }: { fileName: string; outcome: ImportOutcome }) {
  const i18n = useI18n();
  const { t, count } = i18n;
  const list = listSeparator(i18n.language);
  if (outcome.kind === 'refused') {
    const problems = [
      outcome.missing.length > 0
        ? t('importMissingColumns', { columns: outcome.missing.join(list) })
        : null,
      outcome.duplicate.length > 0
        ? t('importDuplicateColumns', { columns: outcome.duplicate.join(list) })
        : null,
    ].filter((line): line is string => line !== null);
    return (
      <ErrorNotice message={`${t('importRefused', { file: fileName })} ${problems.join(' ')}`} />
    );
  }
  if (outcome.kind === 'unreadable')
    return <ErrorNotice message={t('importNotUtf8', { file: fileName })} />;
  return (
    <div className="import-result" role="status" aria-labelledby="import-summary-title">
      {outcome.kind === 'failed' ? (
        <ErrorNotice
          message={t('importFailed', {
            reason: describeCommandError(outcome.error, i18n),
            count: count(outcome.counts.added + outcome.counts.updated),
          })}
        />
      ) : (
        <p className="notice notice-success">
          {t('importDone', { file: fileName, count: count(outcome.counts.rowsRead) })}
        </p>
      )}
      <h2 id="import-summary-title" className="visually-hidden">
        {t('importSummary')}
      </h2>
      <ImportCountsList counts={outcome.counts} />
      <RejectedRows fileName={fileName} rows={outcome.rejectedRows} />
    </div>
  );
}

function ImportCountsList({ counts }: { counts: ImportCounts }) {
  const { t, count } = useI18n();
  return (
    <FigureTiles
      figures={[
        { label: t('importAdded'), value: count(counts.added) },
        { label: t('importUpdated'), value: count(counts.updated) },
        { label: t('importUnchanged'), value: count(counts.unchanged) },
        { label: t('importNotReady'), value: count(counts.notReady) },
        {
          label: t('importRejected'),
          value: count(counts.rejected),
          tone: counts.rejected > 0 ? 'danger' : undefined,
        },
      ]}
    />
  );
}

function RejectedRows({ fileName, rows }: { fileName: string; rows: RejectedImportRow[] }) {
  const i18n = useI18n();
  const { t, count } = i18n;
  if (rows.length === 0) return null;
  const shown = rows.slice(0, REJECTED_ROWS_SHOWN);
  return (
    <section className="rejected-rows" aria-labelledby="rejected-title">
      <div className="section-heading">
        <h2 id="rejected-title">{t('importRejectedTitle')}</h2>
        <button
          type="button"
          className="button"
          onClick={() =>
            saveFile(
              new Blob([rejectedRowsCsv(rows, i18n)], { type: CSV_MIME_TYPE }),
              rejectedRowsFileName(fileName),
            )
          }
        >
          {t('importDownloadRejected')}
        </button>
      </div>
      {rows.length > shown.length ? (
        <p className="muted">
          {t('importRejectedShown', { shown: count(shown.length), total: count(rows.length) })}
        </p>
      ) : null}
      <table className="rejected-table">
        <thead>
          <tr>
            <th scope="col">{t('importLine')}</th>
            <th scope="col">{t('importCardId')}</th>
            <th scope="col">{t('importColumn')}</th>
            <th scope="col">{t('importReason')}</th>
          </tr>
        </thead>
        <tbody>
          {shown.flatMap((row) =>
            row.problems.map((problem, index) => (
              <tr key={`${row.line}-${index}`}>
                <td>{i18n.digits(row.line)}</td>
                <td>
                  <bdi className="code">{row.cardId}</bdi>
                </td>
                <td>
                  <bdi className="code">{problem.column ?? '—'}</bdi>
                </td>
                <td>{describeImportProblem(problem, i18n)}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </section>
  );
}
