import QRCode from 'qrcode';

/**
 * A QR code as inline SVG, drawn from the code's module matrix (one path of 1×1 squares, with the 4-module quiet
 * zone of ISO/IEC 18004 §7.3.7): no script, no image request, nothing the CSP has to allow.
 */
export function QrCode({ text, label, size = 200 }: { text: string; label: string; size?: number }) {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const quiet = 4;
  const span = modules.size + quiet * 2;
  let d = '';
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (modules.get(row, col)) d += `M${col + quiet} ${row + quiet}h1v1h-1z`;
    }
  }
  return (
    <svg
      class="qr"
      role="img"
      aria-label={label}
      width={size}
      height={size}
      viewBox={`0 0 ${span} ${span}`}
      shape-rendering="crispEdges"
    >
      <rect width={span} height={span} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
