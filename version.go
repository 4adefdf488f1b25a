package main

import (
	_ "embed"
	"fmt"

	"github.com/BurntSushi/toml"

	"github.com/chartroom/chartroom/cli"
)

// fyneAppTOML is the app's metadata file, the one place Chartroom's version
// is written: the fyne packager, make dist (the release files' names, the
// Windows version resource, the installer) and 'chartroom version' all read
// it there.
//
//go:embed FyneApp.toml
var fyneAppTOML string

// The command line's version is FyneApp.toml's Details.Version.
func init() { cli.Version = mustAppVersion(fyneAppTOML) }

// appVersion reads Details.Version from FyneApp.toml's text.
func appVersion(text string) (string, error) {
	var meta struct{ Details struct{ Version string } }
	if _, err := toml.Decode(text, &meta); err != nil {
		return "", fmt.Errorf("FyneApp.toml: %w", err)
	}
	if meta.Details.Version == "" {
		return "", fmt.Errorf("FyneApp.toml has no Details.Version")
	}
	return meta.Details.Version, nil
}

// mustAppVersion is appVersion for the embedded file, which the build
// carries: a broken one is a mistake of the build, caught by its tests.
func mustAppVersion(text string) string {
	v, err := appVersion(text)
	if err != nil {
		panic(err)
	}
	return v
}
