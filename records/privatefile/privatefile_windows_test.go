//go:build windows

package privatefile

import (
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
)

// checkPrivate reads the access list back: it must not inherit the parent's
// and must admit exactly the user, SYSTEM and Administrators, passing that on
// to what a folder holds.
func checkPrivate(t *testing.T, path string, dir bool) {
	t.Helper()
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		t.Fatal(err)
	}
	control, _, err := sd.Control()
	if err != nil {
		t.Fatal(err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		t.Fatal(err)
	}
	user, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		t.Fatal(err)
	}
	system, _ := windows.CreateWellKnownSid(windows.WinLocalSystemSid)
	admins, _ := windows.CreateWellKnownSid(windows.WinBuiltinAdministratorsSid)
	allInherited := true
	want := map[string]bool{user.User.Sid.String(): false, system.String(): false, admins.String(): false}
	for i := uint32(0); i < uint32(dacl.AceCount); i++ {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil {
			t.Fatal(err)
		}
		if ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE {
			t.Errorf("%s: entry %d is of type %d, want an allowing one", path, i, ace.Header.AceType)
			continue
		}
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart)).String()
		if _, ok := want[sid]; !ok {
			t.Errorf("%s admits %s, who is not the user, SYSTEM or Administrators", path, sid)
		}
		want[sid] = true
		allInherited = allInherited && ace.Header.AceFlags&windows.INHERITED_ACE != 0
		inherits := ace.Header.AceFlags&(windows.OBJECT_INHERIT_ACE|windows.CONTAINER_INHERIT_ACE) != 0
		if dir && !inherits {
			t.Errorf("%s: the entry for %s is not passed on to what the folder holds", path, sid)
		}
	}
	// A file made in a protected folder inherits its list, which is then
	// made of the three entries above; anything else must have its own.
	if control&windows.SE_DACL_PROTECTED == 0 && !allInherited {
		t.Errorf("%s still inherits its parent's access list", path)
	}
	for sid, seen := range want {
		if !seen {
			t.Errorf("%s does not admit %s", path, sid)
		}
	}
}
