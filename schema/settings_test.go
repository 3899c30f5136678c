package schema

import (
	"reflect"
	"testing"
	"time"
)

// TestMerge checks each merge rule on a component's and a task's settings.
func TestMerge(t *testing.T) {
	comp := Settings{
		Args: []String{"a"}, Env: Env{{"A", "1"}}, InheritEnv: InheritEnv{All: true, Names: []string{"HOME"}},
		Stdout: &Output{Mode: StreamDiscard}, Dirs: []*Dir{{Guest: "/a"}},
		Timeout: Duration(time.Second), Memory: MinSize, ExitCodes: ExitCodes{0, 3},
	}
	task := Settings{
		Args: []String{"b"}, Env: Env{{"A", "2"}}, InheritEnv: InheritEnv{Names: []string{"PATH"}},
		Stdin: &Input{Mode: StreamInherit}, Dirs: []*Dir{{Guest: "/b"}}, Memory: MaxSize,
	}
	want := Settings{
		Args: []String{"a", "b"}, Env: Env{{"A", "1"}, {"A", "2"}}, InheritEnv: InheritEnv{All: true, Names: []string{"HOME", "PATH"}},
		Stdin: &Input{Mode: StreamInherit}, Stdout: &Output{Mode: StreamDiscard}, Stderr: &Output{Mode: StreamInherit},
		Dirs: []*Dir{{Guest: "/a"}, {Guest: "/b"}}, Timeout: Duration(time.Second), Memory: MaxSize, ExitCodes: ExitCodes{0, 3},
	}
	before := Defaults().Merge(comp)
	if got := before.Merge(task); !reflect.DeepEqual(got, want) {
		t.Errorf("merged\n%+v\nwant\n%+v", got, want)
	}
	if !reflect.DeepEqual(before, Defaults().Merge(comp)) {
		t.Error("Merge changed its receiver")
	}
}

// TestMergeClipsSharedLists: a list Merge shares with its arguments has no
// room to append in place, at any depth (InheritEnv's names are inside a
// struct), so appending to a task's merged list never writes into its
// component's, which every task of it shares.
func TestMergeClipsSharedLists(t *testing.T) {
	names := make([]string, 1, 8)
	names[0] = "HOME"
	args := make([]String, 1, 8)
	args[0] = "a"
	comp := Settings{Args: args, InheritEnv: InheritEnv{Names: names}}
	got := comp.Merge(Settings{})
	if c := cap(got.Args); c != len(got.Args) {
		t.Errorf("merged args have room for %d more", c-len(got.Args))
	}
	if c := cap(got.InheritEnv.Names); c != len(got.InheritEnv.Names) {
		t.Errorf("merged inherit_env names have room for %d more", c-len(got.InheritEnv.Names))
	}
}
