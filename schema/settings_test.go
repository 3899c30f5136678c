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
