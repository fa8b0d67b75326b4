package blob_test

import (
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/internal/blob"
)

func TestKeyOf(t *testing.T) {
	sum := sha256.Sum256([]byte("abc"))
	k := blob.KeyOf(sum)
	const want = "sha256/ba/7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if k != want {
		t.Fatalf("KeyOf = %s, want %s", k, want)
	}
	if got, err := blob.ParseKey(want); err != nil || got != k {
		t.Errorf("ParseKey(KeyOf) = %s, %v", got, err)
	}
	if k.Sum() != sum {
		t.Error("Sum does not invert KeyOf")
	}
	if (blob.Key("sha256/../../etc")).Sum() != [32]byte{} {
		t.Error("Sum of an invalid key is not zero")
	}
	if len(strings.Split(string(k), "/")) != 3 {
		t.Errorf("key %s is not prefix/fan-out/rest", k)
	}
}

func FuzzParseKey(f *testing.F) {
	f.Add("sha256/ba/7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
	f.Add("sha256/../../etc")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := blob.ParseKey(s)
		if err != nil {
			return
		}
		if strings.Contains(s, "..") || strings.Count(s, "/") != 2 || blob.KeyOf(k.Sum()) != k {
			t.Errorf("ParseKey accepted %q", s)
		}
	})
}
