package tasks

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestTaskFileOfAnotherUser puts a task file in a folder that another
// user owns (a shared /tmp, a multi-user machine), as git's CVE-2022-24765
// did with .git: Find must refuse it, whether found in a parent folder or
// named, unless the user trusts the folder in $WASMTASKS_SAFE_DIRECTORIES.
func TestTaskFileOfAnotherUser(t *testing.T) {
	if os.Getuid() != 0 {
		t.Fatal("this test gives files to another user and must run as root (as CI does)")
	}
	const nobody = 65534
	cases := map[string]struct {
		chown []string // relative to the project: "." or the task file
		safe  string   // $WASMTASKS_SAFE_DIRECTORIES; PROJECT stands for the project
		ok    bool
	}{
		"file and folder of another user": {[]string{".", FileName}, "", false},
		"file of another user":            {[]string{FileName}, "", false},
		"folder of another user":          {[]string{"."}, "", false},
		"ours":                            {nil, "", true},
		"trusted folder":                  {[]string{".", FileName}, "PROJECT", true},
		"all trusted":                     {[]string{".", FileName}, "*", true},
		"other folder trusted":            {[]string{".", FileName}, "/elsewhere", false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			project := filepath.Join(t.TempDir(), "shared")
			sub := filepath.Join(project, "sub")
			os.MkdirAll(sub, 0o755)
			file := filepath.Join(project, FileName)
			os.WriteFile(file, []byte("version: 1\n"), 0o644)
			for _, p := range tc.chown {
				if err := os.Chown(filepath.Join(project, p), nobody, nobody); err != nil {
					t.Fatal(err)
				}
			}
			safe := tc.safe
			if safe == "PROJECT" {
				safe = "/elsewhere" + string(os.PathListSeparator) + project
			}
			t.Setenv(EnvSafeDirectories, safe)
			for how, find := range map[string]func() (string, error){
				"found above": func() (string, error) { return Find(sub, "") },
				"named":       func() (string, error) { return Find(sub, file) },
			} {
				_, err := find()
				t.Logf("%s: %v", how, err)
				if tc.ok && err != nil {
					t.Errorf("%s: %v", how, err)
				}
				if !tc.ok && !errors.Is(err, ErrNotOwned) {
					t.Errorf("%s: got %v, want ErrNotOwned", how, err)
				}
			}
		})
	}
}
