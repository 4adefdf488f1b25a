package ui

import (
	"context"
	"fmt"
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
		// Once this result is shown: the check's warnings then follow it.
		defer s.watchBackups(svc)
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

// watchBackups runs the weekly check of the newest backup in each place
// when it is due (the store decides), then shows in the status bar what
// the backups' state calls for.
func (s *shell) watchBackups(svc records.Service) {
	inBackground(s, func() (records.BackupStatus, error) {
		ctx := context.Background()
		if _, err := svc.CheckBackups(ctx, false); err != nil {
			return records.BackupStatus{}, err
		}
		return svc.BackupStatus(ctx)
	}, func(st records.BackupStatus, err error) {
		if err != nil {
			s.log.Error("checking the backups", "err", err)
			return
		}
		s.showBackupStatus(st)
	})
}

// showBackupStatus raises (or clears) the warnings about the backups: a
// failed check in red, a second place out of reach too long in amber.
func (s *shell) showBackupStatus(st records.BackupStatus) {
	var failed []string
	for _, p := range st.Places {
		if !p.Check.At.IsZero() && !p.Check.OK {
			failed = append(failed, fmt.Sprintf("The check of the newest backup in %s failed on %s: %s.", p.Dir, when(p.Check.At), strings.TrimSuffix(p.Check.Problems, ".")))
		}
	}
	text := ""
	if len(failed) > 0 {
		text = strings.Join(failed, " ") + " Ask the administrator to back up again and check it (Administration, " + backupTabTitle + ")."
	}
	s.setAlert(alertBackupCheck, text)
	text = ""
	if p, overdue := st.SecondPlaceOverdue(s.now()); overdue && p.LastCopyAt.IsZero() {
		text = "The second backup place " + p.Dir + " has no backup yet: plug in the drive or connect the network folder."
	} else if overdue {
		text = fmt.Sprintf("The second backup place %s has had no new backup since %s (more than %d days): plug in the drive or connect the network folder.",
			p.Dir, when(p.LastCopyAt), st.SecondPlaceDays)
	}
	s.setAlert(alertSecondPlace, text)
}
