import { useEffect, useId, useRef, useState } from 'react';
import { NavLink } from 'react-router';
import { useI18n } from '../ui/i18n.tsx';
import { useServices } from '../services/services.tsx';
import { endShift } from '../db/staff.ts';
import type { StaffOnShift } from '../db/records.ts';
import { MyHandoversToday } from '../features/today/MyHandoversToday.tsx';

/**
 * Who is on shift, as one header button that opens their own actions: changing their PIN and
 * ending the shift. Kept out of the header row itself so the header stays one line on a tablet;
 * opened by a tap, closed by a choice, Escape or a tap elsewhere.
 */
export function MemberMenu({ shift }: { shift: StaffOnShift }) {
  const { t, digits } = useI18n();
  const { db } = useServices();
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return undefined;
    const closeOutside = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    document.addEventListener('pointerdown', closeOutside);
    document.addEventListener('keydown', closeOnEscape);
    return () => {
      document.removeEventListener('pointerdown', closeOutside);
      document.removeEventListener('keydown', closeOnEscape);
    };
  }, [open]);

  return (
    <div className="member-menu" ref={root}>
      <button
        type="button"
        className="member-button"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen((current) => !current)}
      >
        <span className="on-duty">
          <span className="visually-hidden">{t('signedInAsLabel')}: </span>
          <span>{t('signedInAs', { name: shift.staffName, id: digits(shift.staffId) })}</span>
          <MyHandoversToday staffId={shift.staffId} />
        </span>
        <span aria-hidden="true" className="member-caret">
          ▾
        </span>
      </button>
      <div id={menuId} className="member-actions panel" hidden={!open}>
        <NavLink to="/my-pin" className="button" onClick={() => setOpen(false)}>
          {t('myPinLink')}
        </NavLink>
        <button
          type="button"
          className="button"
          onClick={() => {
            setOpen(false);
            void endShift(db);
          }}
        >
          {t('endShiftButton')}
        </button>
      </div>
    </div>
  );
}
