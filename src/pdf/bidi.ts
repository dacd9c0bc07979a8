/**
 * Bidirectional text for the PDF (Unicode UAX #9).
 *
 * Text from the database may carry explicit direction controls: U+202E (RIGHT-TO-LEFT OVERRIDE) makes
 * "Clinic\u202Efdp.exe" display as "Clinicexe.pdf". We print text as it was written, so these controls are
 * removed; direction comes only from the page and from the isolates we add ourselves.
 */
const DIRECTION_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** LEFT-TO-RIGHT ISOLATE … POP DIRECTIONAL ISOLATE (UAX #9 §2.7). */
const LRI = '\u2066';
const PDI = '\u2069';

/** Removes embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069). */
export function stripDirectionControls(text: string): string {
  return text.replace(DIRECTION_CONTROLS, '');
}

/** A letter of a left-to-right script that newcomers' kits mix into Arabic or Persian, or a digit of any script. */
const LTR_CHAR = '[\\p{Script=Latin}\\p{Script=Cyrillic}\\p{Script=Greek}0-9\u0660-\u0669\u06F0-\u06F9]';
/**
 * A left-to-right run inside right-to-left text: a number, phone number, time or range ("+34 600 123 456",
 * "9:00–17:00"), or Latin words with their numbers ("Harbour Square 3"). Separators only count between two
 * such characters, so the run never swallows the space or comma before an Arabic word.
 */
const LTR_RUN = new RegExp(`\\+?${LTR_CHAR}+(?:[ .,:/\\-\u2012\u2013()'\u2019&]+${LTR_CHAR}+)*`, 'gu');

/**
 * Wraps every left-to-right run in LRI…PDI, so that inside right-to-left text "9:00–17:00" does not read
 * "17:00–9:00", a phone number keeps its digit groups in order and a street number stays with its street.
 * Left-to-right text is returned as is.
 */
export function isolateLtrRuns(text: string, dir: 'ltr' | 'rtl'): string {
  if (dir === 'ltr') return text;
  return text.replace(LTR_RUN, (run) => `${LRI}${run}${PDI}`);
}

/** A phone number always reads left to right, whatever the page's direction. */
export function isolatePhone(phone: string): string {
  return `${LRI}${phone}${PDI}`;
}
