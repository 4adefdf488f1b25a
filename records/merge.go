package records

import (
	"context"
	"sort"
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
