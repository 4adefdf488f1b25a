package records

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Merge is one duplicate chart folded into its survivor: the retired
// chart's folders, requests, loose papers, disclosures and accounting
// requests now belong to the survivor, and the retired chart number finds
// the survivor. The rows moved are recorded so an admin can undo it.
type Merge struct {
	ID         ID
	RetiredID  ID
	SurvivorID ID
	Note       string
	MergedAt   time.Time
	MergedBy   ID
	Moved      MergeCounts
	UndoneAt   time.Time // zero while in force
	UndoneBy   ID
	UndoNote   string

	// Filled by the store for display.
	RetiredMRN   string
	RetiredName  string
	SurvivorMRN  string
	SurvivorName string
	MergedByName string
	UndoneByName string
}

// Undone reports whether the merge was undone.
func (m Merge) Undone() bool { return !m.UndoneAt.IsZero() }

// MergeCounts says how many rows of each kind a merge moved.
type MergeCounts struct {
	Volumes            int
	Renumbered         int // of the volumes, those given a new number on the survivor
	Requests           int
	Loose              int
	Disclosures        int
	AccountingRequests int
}

// ChartSummary is one side of the compare screen: a patient and how much
// hangs off the chart.
type ChartSummary struct {
	Patient            Patient
	Volumes            []Volume
	Movements          int
	Requests           int
	Loose              int
	Disclosures        int
	AccountingRequests int
	Absorbed           int // merges in force that folded other charts into this one
}

// MergePreview is what a merge of Retired into Survivor would do, or why it
// cannot be done (Refusal).
type MergePreview struct {
	Retired, Survivor ChartSummary
	Renumber          []VolumeRenumber
	Refusal           *Error
}

// VolumeRenumber is a retired folder that needs a new number on the
// survivor, because the survivor already has that number of that type.
type VolumeRenumber struct {
	VolumeID ID
	Barcode  string
	From, To int
}

// MergeRefusal explains why retired cannot be merged into survivor, or
// returns nil. absorbed is how many merges in force folded other charts into
// retired: merging it away would make a chain (A into B into C), which an
// undo could not unpick exactly, so those merges must be undone first or
// the charts merged straight into the survivor.
func MergeRefusal(retired, survivor Patient, absorbed int) *Error {
	switch {
	case retired.ID == survivor.ID:
		return Errorf(EConflict, "chart %s cannot be merged into itself; choose two different charts", retired.MRN)
	case retired.Status == PatientMerged:
		return Errorf(EConflict, "chart %s was already merged into %s", retired.MRN, retired.MergedInto)
	case survivor.Status == PatientMerged:
		return Errorf(EConflict, "chart %s was itself merged into %s; merge into %s instead", survivor.MRN, survivor.MergedInto, survivor.MergedInto)
	case retired.Status == PatientDestroyed:
		return Errorf(EConflict, "chart %s was destroyed; a destroyed chart is not merged", retired.MRN)
	case survivor.Status == PatientDestroyed:
		return Errorf(EConflict, "chart %s was destroyed; it cannot take in another chart", survivor.MRN)
	case absorbed > 0:
		return Errorf(EConflict, "chart %s has other charts merged into it (%d); merging it away would chain merges. Undo those merges first, or merge the charts straight into %s",
			retired.MRN, absorbed, survivor.MRN)
	}
	return nil
}

// RenumberVolumes decides the numbers the retired chart's folders take on
// the survivor. Barcodes never change. Within a record type with no clash
// the numbers stay; when any retired number of a type is taken on the
// survivor, all retired folders of that type follow the survivor's highest
// number in their old order (Medical 1, 2 + Medical 1, 3 -> 3, 4), so the
// shelf order of the volumes still reads oldest to newest.
func RenumberVolumes(survivor, retired []Volume) []VolumeRenumber {
	taken := map[ID]map[int]bool{}
	highest := map[ID]int{}
	for _, v := range survivor {
		if taken[v.RecordTypeID] == nil {
			taken[v.RecordTypeID] = map[int]bool{}
		}
		taken[v.RecordTypeID][v.Number] = true
		highest[v.RecordTypeID] = max(highest[v.RecordTypeID], v.Number)
	}
	byType := map[ID][]Volume{}
	var types []ID
	for _, v := range retired {
		if byType[v.RecordTypeID] == nil {
			types = append(types, v.RecordTypeID)
		}
		byType[v.RecordTypeID] = append(byType[v.RecordTypeID], v)
	}
	sort.Slice(types, func(i, j int) bool { return types[i] < types[j] })
	var out []VolumeRenumber
	for _, t := range types {
		vs := byType[t]
		clash := false
		for _, v := range vs {
			clash = clash || taken[t][v.Number]
		}
		if !clash {
			continue
		}
		sort.Slice(vs, func(i, j int) bool { return vs[i].Number < vs[j].Number })
		next := highest[t]
		for _, v := range vs {
			next++
			out = append(out, VolumeRenumber{VolumeID: v.ID, Barcode: v.Barcode, From: v.Number, To: next})
		}
	}
	return out
}

// Audit actions of merges.
const (
	AuditMerge   = "merge"
	AuditUnmerge = "unmerge"
)

// CleanMergeNote trims a merge's (or an undo's) note and checks it.
func CleanMergeNote(note string) (string, error) {
	n, e := cleanText("Note", note, false, 200)
	if e != nil {
		return "", e
	}
	return n, nil
}

// MergeService folds duplicate charts together and unfolds them. A
// supervisor merges; only an admin undoes a merge.
type MergeService interface {
	// PreviewMerge shows both charts side by side and what a merge would do
	// (supervisor); it records the views.
	PreviewMerge(ctx context.Context, retiredMRN, survivorMRN string) (MergePreview, error)
	// MergePatients moves everything of the retired chart to the survivor
	// in one transaction (supervisor).
	MergePatients(ctx context.Context, retiredMRN, survivorMRN, note string) (Merge, error)
	// UndoMerge restores exactly the rows the merge moved (admin).
	UndoMerge(ctx context.Context, mergeID ID, note string) (Merge, error)
	// ListMerges returns merges, newest first (supervisor).
	ListMerges(ctx context.Context) ([]Merge, error)
}

// MergeMoveKind names a kind of row a merge moves, as a merge's record of
// its moves keeps it and as the audit log names a row ("request 12").
type MergeMoveKind string

// The kinds of row a merge moves.
const (
	MoveKindVolume            MergeMoveKind = "volume"
	MoveKindRequest           MergeMoveKind = "request"
	MoveKindLoose             MergeMoveKind = "loose"
	MoveKindDisclosure        MergeMoveKind = "disclosure"
	MoveKindAccountingRequest MergeMoveKind = "accounting-request"
)

// MergeMove is one row a merge moved from the retired chart to the
// survivor; a folder keeps the number it had (OldNumber) and the one it
// was given (NewNumber).
type MergeMove struct {
	Kind                 MergeMoveKind
	RowID                ID
	OldNumber, NewNumber int
}

// MergeFollowKinds are the rows made after a merge that go back with a
// moved folder on an undo, because they name it (a request for it, a
// disclosure of it).
var MergeFollowKinds = []MergeMoveKind{MoveKindRequest, MoveKindDisclosure}

// MovedText says what a merge moved, for the audit log.
func MovedText(c MergeCounts) string {
	return fmt.Sprintf("%d folder(s) (%d renumbered), %d request(s), %d loose filing(s), %d disclosure(s), %d accounting request(s)",
		c.Volumes, c.Renumbered, c.Requests, c.Loose, c.Disclosures, c.AccountingRequests)
}

// MergeDetail is the audit detail of a merge, recorded on both charts.
func MergeDetail(m Merge, holdSet bool) string {
	detail := fmt.Sprintf("merge #%d: chart %s merged into %s; moved %s", m.ID, m.RetiredMRN, m.SurvivorMRN, MovedText(m.Moved))
	if holdSet {
		detail += "; legal hold carried to the survivor"
	}
	if m.Note != "" {
		detail += "; note: " + m.Note
	}
	return detail
}

// UnmergeDetail is the audit detail of an undone merge m, recorded on both
// charts; followed are the rows made after the merge that went back with
// their folders.
func UnmergeDetail(m Merge, followed []MergeMove) string {
	detail := fmt.Sprintf("merge #%d undone: chart %s separated from %s again; restored %s", m.ID, m.RetiredMRN, m.SurvivorMRN, MovedText(m.Moved))
	if len(followed) > 0 {
		names := make([]string, len(followed))
		for i, f := range followed {
			names[i] = fmt.Sprintf("%s %d", f.Kind, f.RowID)
		}
		detail += "; made after the merge and sent back with their folders: " + strings.Join(names, ", ")
	}
	if m.UndoNote != "" {
		detail += "; note: " + m.UndoNote
	}
	return detail
}

// MergeNotFound is the answer for a merge id no merge has.
func MergeNotFound(id ID) *Error { return Errorf(ENotFound, "there is no merge #%d", id) }

// MergeAlreadyUndone refuses a second undo of m.
func MergeAlreadyUndone(m Merge) *Error {
	return Errorf(EConflict, "merge #%d (chart %s into %s) was already undone on %s", m.ID, m.RetiredMRN, m.SurvivorMRN, m.UndoneAt.Format("2006-01-02 15:04"))
}

// UndoGone refuses the undo of m when a row it moved no longer exists.
func UndoGone(m Merge, mv MergeMove) *Error {
	return Errorf(EConflict, "merge #%d cannot be undone exactly: %s %d it moved no longer exists", m.ID, mv.Kind, mv.RowID)
}

// UndoMoved checks that a row m moved still sits where the merge put it:
// on the survivor (patientID) and, a folder, with the number it was given
// (number). It returns the refusal of the undo, or nil.
func UndoMoved(m Merge, mv MergeMove, patientID ID, number int) *Error {
	if patientID == m.SurvivorID && (mv.Kind != MoveKindVolume || number == mv.NewNumber) {
		return nil
	}
	return Errorf(EConflict, "merge #%d cannot be undone exactly: %s %d it moved to chart %s has changed since (now on another chart or renumbered)",
		m.ID, mv.Kind, mv.RowID, m.SurvivorMRN)
}

// UndoRetiredHasFolders refuses the undo of m when the retired chart has
// folders of its own again.
func UndoRetiredHasFolders(m Merge) *Error {
	return Errorf(EConflict, "merge #%d cannot be undone exactly: chart %s has folders of its own again", m.ID, m.RetiredMRN)
}

// MergePairMRNs normalizes the two chart numbers of a merge under the
// practice's width, naming the field of the one that is wrong.
func MergePairMRNs(retiredMRN, survivorMRN string, width int) (retired, survivor string, err error) {
	if retired, err = NormalizeMRN(retiredMRN, width); err != nil {
		return "", "", FieldError("Retired chart", "%s", err.Error())
	}
	if survivor, err = NormalizeMRN(survivorMRN, width); err != nil {
		return "", "", FieldError("Surviving chart", "%s", err.Error())
	}
	return retired, survivor, nil
}

// MergeViewDetail is the audit detail of a chart compared for a merge.
func MergeViewDetail(mrn string) string { return fmt.Sprintf("compared chart %s for a merge", mrn) }

// NewNumber is the number the retired chart's folder v takes on the
// survivor: its own, unless the merge renumbers it.
func (pv MergePreview) NewNumber(v Volume) int {
	for _, r := range pv.Renumber {
		if r.VolumeID == v.ID {
			return r.To
		}
	}
	return v.Number
}
