// Why the counter refuses a command, as codes the interface turns into words. The rules that
// raise them live with the commands in src/db; the vocabulary is shared by db and ui.

export type HandoverRefusal =
  | 'card-not-found'
  | 'card-revoked'
  | 'card-returned'
  | 'card-handed-over'
  | 'checks-incomplete'
  | 'recipient-code-invalid'
  | 'recipient-not-holder'
  | 'recipient-name-missing'
  | 'proxy-not-allowed'
  | 'proxy-details-missing'
  | 'no-shift'
  /** The shift changed while the command ran (locked, ended, or the member deactivated). */
  | 'staff-signed-out'
  /** The signed-in member's role does not allow it, and no supervisor approved it. */
  | 'needs-supervisor'
  | 'handover-not-found'
  | 'handover-already-voided'
  | 'void-reason-missing'
  | 'handover-needs-attention'
  | 'attention-not-found'
  | 'resolution-note-missing'
  /** Another center is refused while this one's handovers have not all reached the registry. */
  | 'center-has-unsent-events'
  /** Another center is refused while a handover the registry refused waits for a supervisor. */
  | 'center-has-attention'
  /** The tablet is not enrolled with a center: nothing may be recorded. */
  | 'not-enrolled'
  /** The registry withdrew this device: no new handover; its unsent events stay for export. */
  | 'device-withdrawn'
  /** The card changed while the event was being signed: shown again, nothing was recorded. */
  | 'card-changed'
  /** An enrolment is being asked for: the enrolment this tablet has may be replaced any moment. */
  | 'enrolment-in-progress'
  /** A handover whose personal details left the tablet (retention) is voided at the registry. */
  | 'handover-details-erased';

/** A command refused for a reason staff can act on; the UI shows `refusal` in words. */
export class CommandRefused extends Error {
  constructor(readonly refusal: HandoverRefusal) {
    super(refusal);
    this.name = 'CommandRefused';
  }
}
