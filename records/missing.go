package records

// FolderMissing reports whether the folder a request wants is marked
// missing: the requests list and the pull list flag such requests, and the
// flag clears by itself when the folder is found (any scan of it).
func (r Request) FolderMissing() bool { return r.VolumeState == StateMissing }
