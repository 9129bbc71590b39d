// The receipt's QR code as one SVG path, made on the tablet (qrcode-generator: no canvas, no
// network). A quiet zone of four modules is part of the picture, as readers need it.
import qrcode from 'qrcode-generator';

export const QR_QUIET_ZONE_MODULES = 4;

export interface QrPicture {
  /** Modules across, the quiet zone included: the SVG's viewBox is this square. */
  size: number;
  /** One `M x y h1 v1 h-1 z` square per dark module. */
  path: string;
}

/** `text` as a QR code (byte mode, error correction M, the smallest version that holds it). */
export function qrPicture(text: string): QrPicture {
  const code = qrcode(0, 'M');
  code.addData(text, 'Byte');
  code.make();
  const count = code.getModuleCount();
  const parts: string[] = [];
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (code.isDark(row, col))
        parts.push(`M${col + QR_QUIET_ZONE_MODULES} ${row + QR_QUIET_ZONE_MODULES}h1v1h-1z`);
    }
  }
  return { size: count + 2 * QR_QUIET_ZONE_MODULES, path: parts.join('') };
}
