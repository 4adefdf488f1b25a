package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"github.com/chartroom/chartroom/records"
)

// autoBackupCheckEvery is how often the app asks the store whether the
// daily backup is due, so a computer left on for days still gets one a day
// without the app ever being closed. The store decides; asking is cheap.
const autoBackupCheckEvery = time.Hour

// startAutoBackup backs up now if a day has passed since the newest backup,
// then checks again every autoBackupCheckEvery. The ticker lives as long as
// the app: the process ends with it. Called again (after a restore), it
// backs up if due and keeps the one ticker.
func (s *shell) startAutoBackup() {
	s.autoBackup()
	if !s.async || s.ticking {
		return
	}
	s.ticking = true
	go func() {
		t := time.NewTicker(autoBackupCheckEvery)
		defer t.Stop()
		for range t.C {
			fyne.Do(s.autoBackup)
		}
	}()
}

// autoBackupResult is what one automatic backup did.
type autoBackupResult struct {
	path string
	made bool
}

// autoBackup asks the store for the daily backup in the background. A
// failure stays in red in the status bar until a later one succeeds: a
// practice must not find out that backups stopped only when it needs one.
func (s *shell) autoBackup() {
	if s.backingUp || s.svc == nil {
		return
	}
	s.backingUp = true
	svc := s.svc // the service may be swapped (restore, demo); use this one throughout
	inBackground(s, func() (autoBackupResult, error) {
		path, made, err := svc.AutoBackup(context.Background())
		return autoBackupResult{path, made}, err
	}, func(r autoBackupResult, err error) {
		s.backingUp = false
		if err != nil {
			s.log.Error("automatic backup failed", "err", err)
			s.setAlert(alertBackup, "Automatic backup failed at "+when(s.now())+": "+
				strings.TrimSuffix(records.ErrorMessage(err), ".")+". Ask the administrator to check the backup folder (Administration, Settings) and to back up by hand.")
			return
		}
		s.setAlert(alertBackup, "")
		if r.made {
			s.log.Info("automatic backup written", "path", r.path)
		}
	})
}
