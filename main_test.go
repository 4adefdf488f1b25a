package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/chartroom/chartroom/cli"
	"github.com/chartroom/chartroom/ui"
)

// 'chartroom version' prints the Version line of FyneApp.toml, the file the
// packager and make dist read.
func TestVersionIsFyneAppTomls(t *testing.T) {
	b, err := os.ReadFile("FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*Version\s*=\s*"([^"]+)"`).FindSubmatch(b)
	if m == nil {
		t.Fatal("FyneApp.toml has no Version line")
	}
	if cli.Version != string(m[1]) {
		t.Errorf("cli.Version is %q, FyneApp.toml says %q", cli.Version, m[1])
	}
}

func TestAppVersion(t *testing.T) {
	tests := []struct {
		name, text, want, wantErr string
	}{
		{"the Details table", "Website = \"x\"\n[Details]\n  Name = \"Chartroom\"\n  Version = \"1.2.3\"\n  Build = 4\n", "1.2.3", ""},
		{"a Version outside Details", "Version = \"9.9.9\"\n[Details]\n  Name = \"Chartroom\"\n", "", "no Details.Version"},
		{"not TOML", "[Details\nVersion = 1", "", "FyneApp.toml:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := appMetadata(tt.text)
			got := m.Version
			if got != tt.want || (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("appMetadata(...).Version = %q, %v; want %q, error containing %q", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// The app runs with Fyne's goroutine checks off because FyneApp.toml says
// it is migrated to fyne.Do; its ID and name come from the same file.
func TestAppMetadataIsFyneAppTomls(t *testing.T) {
	m := appMeta
	if !m.Migrations["fyneDo"] {
		t.Errorf("FyneApp.toml's [Migrations] has no fyneDo = true: %v", m.Migrations)
	}
	if m.ID != ui.AppID || m.Name != "Chartroom" || m.Build < 1 {
		t.Errorf("metadata ID %q name %q build %d; want %q, Chartroom, a build number", m.ID, m.Name, m.Build, ui.AppID)
	}
}
