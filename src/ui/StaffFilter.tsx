import { useId } from 'react';
import { toAsciiDigits } from '../domain/digits.ts';
import { useI18n } from './i18n.tsx';

export interface StaffOnDay {
  staffId: string;
  staffName: string;
}

/** A staff id as one member: «S-۱۰۴۲» and «S-1042» are the same clerk. */
export function staffKey(staffId: string): string {
  return toAsciiDigits(staffId).trim();
}

/** The staff who recorded any of `records`, each once (by `staffKey`), by name. */
export function staffOnDay(records: readonly StaffOnDay[]): StaffOnDay[] {
  const byId = new Map<string, StaffOnDay>();
  for (const record of records) {
    const staffId = staffKey(record.staffId);
    if (!byId.has(staffId)) byId.set(staffId, { staffId, staffName: record.staffName });
  }
  return [...byId.values()].sort((a, b) => a.staffName.localeCompare(b.staffName, 'fa'));
}

/** A choice of one staff member of the day, or everyone (''). */
export function StaffFilter({
  staff,
  value,
  onChange,
}: {
  staff: readonly StaffOnDay[];
  value: string;
  onChange: (staffId: string) => void;
}) {
  const { t, digits } = useI18n();
  const id = useId();
  return (
    <div className="field staff-filter">
      <label htmlFor={id}>{t('staffFilterLabel')}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">{t('staffFilterEveryone')}</option>
        {staff.map((member) => (
          <option key={member.staffId} value={member.staffId}>
            {t('signInMember', { name: member.staffName, id: digits(member.staffId) })}
          </option>
        ))}
      </select>
    </div>
  );
}
