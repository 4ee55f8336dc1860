/** The view contract lives in the core (src/encounter/history-view.ts); re-exported for the store's modules. */
export { emptyHistory, historyFamilyOf, patientKeyOf, type AskingClaim, type HistoryFamily, type HistoryView, type PatientKey, type PriorLine, type PriorSession } from '../encounter/history-view.js';
