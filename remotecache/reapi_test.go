package remotecache

import (
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
)

// reapi returns the REAPI messages this client writes, declared as
// remote_execution.proto (v2) declares them, field by field: the schema a
// server such as bazel-remote decodes an ActionResult with.
func reapi(t *testing.T) protoreflect.FileDescriptor {
	t.Helper()
	field := func(name string, num int32, typ descriptorpb.FieldDescriptorProto_Type, msg string, repeated bool) *descriptorpb.FieldDescriptorProto {
		label := descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL
		if repeated {
			label = descriptorpb.FieldDescriptorProto_LABEL_REPEATED
		}
		f := &descriptorpb.FieldDescriptorProto{Name: proto.String(name), Number: proto.Int32(num), Type: typ.Enum(), Label: label.Enum()}
		if msg != "" {
			f.TypeName = proto.String(".build.bazel.remote.execution.v2." + msg)
		}
		return f
	}
	const (
		str   = descriptorpb.FieldDescriptorProto_TYPE_STRING
		i64   = descriptorpb.FieldDescriptorProto_TYPE_INT64
		i32   = descriptorpb.FieldDescriptorProto_TYPE_INT32
		bl    = descriptorpb.FieldDescriptorProto_TYPE_BOOL
		byt   = descriptorpb.FieldDescriptorProto_TYPE_BYTES
		msg   = descriptorpb.FieldDescriptorProto_TYPE_MESSAGE
		plain = false
	)
	fd := &descriptorpb.FileDescriptorProto{
		Name:    proto.String("remote_execution.proto"),
		Package: proto.String("build.bazel.remote.execution.v2"),
		Syntax:  proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{
			{Name: proto.String("Digest"), Field: []*descriptorpb.FieldDescriptorProto{
				field("hash", 1, str, "", plain), field("size_bytes", 2, i64, "", plain)}},
			{Name: proto.String("OutputFile"), Field: []*descriptorpb.FieldDescriptorProto{
				field("path", 1, str, "", plain), field("digest", 2, msg, "Digest", plain),
				field("is_executable", 4, bl, "", plain), field("contents", 5, byt, "", plain)}},
			{Name: proto.String("OutputDirectory"), Field: []*descriptorpb.FieldDescriptorProto{
				field("path", 1, str, "", plain), field("tree_digest", 3, msg, "Digest", plain)}},
			{Name: proto.String("ExecutedActionMetadata"), Field: []*descriptorpb.FieldDescriptorProto{
				field("worker", 1, str, "", plain)}},
			{Name: proto.String("ActionResult"), Field: []*descriptorpb.FieldDescriptorProto{
				field("output_files", 2, msg, "OutputFile", true),
				field("output_directories", 3, msg, "OutputDirectory", true),
				field("exit_code", 4, i32, "", plain),
				field("stdout_raw", 5, byt, "", plain), field("stdout_digest", 6, msg, "Digest", plain),
				field("stderr_raw", 7, byt, "", plain), field("stderr_digest", 8, msg, "Digest", plain),
				field("execution_metadata", 9, msg, "ExecutedActionMetadata", plain)}},
		},
	}
	f, err := protodesc.NewFile(fd, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestActionResultIsREAPI proves what Marshal writes is the REAPI
// ActionResult to a protobuf library that knows the real schema: every
// field lands where the spec says, and the bytes are what that library
// writes (deterministically) for the same message.
func TestActionResultIsREAPI(t *testing.T) {
	desc := reapi(t).Messages().ByName("ActionResult")
	r := sampleResult()
	r.Stderr = DigestOf([]byte("stderr"))
	m := dynamicpb.NewMessage(desc)
	if err := (proto.UnmarshalOptions{DiscardUnknown: false}).Unmarshal(r.Marshal(), m); err != nil {
		t.Fatal(err)
	}
	if len(m.GetUnknown()) != 0 {
		t.Fatalf("fields unknown to the REAPI schema: %x", m.GetUnknown())
	}
	get := func(m protoreflect.Message, name string) protoreflect.Value {
		return m.Get(m.Descriptor().Fields().ByName(protoreflect.Name(name)))
	}
	digest := func(v protoreflect.Value) Digest {
		return Digest{Hash: get(v.Message(), "hash").String(), Size: get(v.Message(), "size_bytes").Int()}
	}
	files := get(m, "output_files").List()
	if files.Len() != len(r.OutputFiles) {
		t.Fatalf("%d output files, want %d", files.Len(), len(r.OutputFiles))
	}
	for i, want := range r.OutputFiles {
		f := files.Get(i).Message()
		got := OutputFile{Path: get(f, "path").String(), Digest: digest(get(f, "digest")), Executable: get(f, "is_executable").Bool()}
		if got != want {
			t.Errorf("output file %d: %+v, want %+v", i, got, want)
		}
	}
	if got := int32(get(m, "exit_code").Int()); got != r.ExitCode {
		t.Errorf("exit_code %d, want %d", got, r.ExitCode)
	}
	if got := digest(get(m, "stdout_digest")); got != r.Stdout {
		t.Errorf("stdout_digest %+v, want %+v", got, r.Stdout)
	}
	if got := digest(get(m, "stderr_digest")); got != r.Stderr {
		t.Errorf("stderr_digest %+v, want %+v", got, r.Stderr)
	}
	if got := get(get(m, "execution_metadata").Message(), "worker").String(); got != worker {
		t.Errorf("worker %q", got)
	}
	again, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil || string(again) != string(r.Marshal()) {
		t.Errorf("the library writes the same message as %x, not %x (%v)", again, r.Marshal(), err)
	}
}
