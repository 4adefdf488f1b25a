package records

import (
	"context"
	"strings"
)

// LocationKind says what a place is.
type LocationKind string

const (
	LocationRoom    LocationKind = "room"
	LocationCabinet LocationKind = "cabinet"
	LocationShelf   LocationKind = "shelf"
	LocationOffsite LocationKind = "offsite"
)

// LocationKinds lists the kinds in the order a form offers them.
var LocationKinds = []LocationKind{LocationRoom, LocationCabinet, LocationShelf, LocationOffsite}

// Valid reports whether k is a known kind.
func (k LocationKind) Valid() bool {
	return k == LocationRoom || k == LocationCabinet || k == LocationShelf || k == LocationOffsite
}

// Location is a place in the tree: room > cabinet > shelf, or an offsite box.
type Location struct {
	ID       ID
	ParentID ID // 0 at the top of the tree
	Name     string
	Kind     LocationKind
	Path     string // "Record room > Cabinet A > Shelf 3", filled by the store
	Default  bool   // where imported and new volumes are filed
	Active   bool
}

// LocationService manages the location tree and record types.
type LocationService interface {
	ListLocations(ctx context.Context) ([]Location, error) // tree order, Path filled
	SaveLocation(ctx context.Context, l Location) (Location, error)
	ListRecordTypes(ctx context.Context) ([]RecordType, error)
	SaveRecordType(ctx context.Context, rt RecordType) (RecordType, error)
}

// ValidateLocation cleans l in place and says what is wrong with it.
func ValidateLocation(l *Location) error {
	var e *Error
	if l.Name, e = cleanText("Name", l.Name, true, 60); e != nil {
		return e
	}
	if l.Name != "" && strings.Contains(l.Name, ">") {
		return FieldError("Name", "must not contain '>', which separates the parts of a location path")
	}
	if l.Kind == "" {
		l.Kind = LocationShelf
	}
	if !l.Kind.Valid() {
		return FieldError("Kind", "%q is not a kind of location", l.Kind)
	}
	if l.ParentID != 0 && l.ParentID == l.ID {
		return FieldError("Parent", "a location cannot be inside itself")
	}
	return nil
}
