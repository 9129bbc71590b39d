import { useState, type ReactNode } from 'react';
import type { Approval } from '../db/staff.ts';
import { permission, type CounterAction } from '../domain/staff-roles.ts';
import { useI18n } from '../ui/i18n.tsx';
import { ApprovalDialog } from '../ui/ApprovalDialog.tsx';
import { useSettings } from '../services/services.tsx';
import { useSupervisorApproval } from '../services/use-supervisor-approval.ts';

/**
 * A screen for those who may do `action`: a supervisor sees it; a clerk is told whose screen it
 * is and may have a supervisor approve it open for this visit (leaving it, or a lock, closes it).
 */
export function SupervisorOnly({
  action,
  screenName,
  children,
}: {
  action: CounterAction;
  screenName: string;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const { shift } = useSettings();
  const approval = useSupervisorApproval();
  const [approvedBy, setApprovedBy] = useState<Approval | null>(null);
  const [asking, setAsking] = useState(false);
  if (!shift) return null;
  if (permission(shift.role, action) === 'allowed') return <>{children}</>;
  if (approvedBy)
    return (
      <>
        <p className="notice notice-success" role="status">
          {t('supervisorScreenApprovedBy', { name: approvedBy.staffName })}
        </p>
        {children}
      </>
    );
  return (
    <section className="screen supervisor-only" aria-labelledby="supervisor-only-title">
      <h1 id="supervisor-only-title">{t('supervisorScreenTitle')}</h1>
      <p>{t('supervisorScreenIntro', { screen: screenName })}</p>
      <button
        type="button"
        className="button button-primary button-large"
        onClick={() => setAsking(true)}
      >
        {t('supervisorScreenApprove')}
      </button>
      {asking ? (
        <ApprovalDialog
          action={t('approvalActionOpenScreen', { screen: screenName })}
          supervisors={approval.supervisors}
          approve={approval.approve}
          now={approval.now}
          onCancel={() => setAsking(false)}
          onApproved={(approved) => {
            setAsking(false);
            setApprovedBy(approved);
          }}
        />
      ) : null}
    </section>
  );
}
