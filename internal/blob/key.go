package blob

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// keyPrefix names the hash algorithm, so a future algorithm can live beside
// sha256 in the same store without ambiguity.
const keyPrefix = "sha256/"

// keyLen is len("sha256/") + 2 hex + "/" + 62 hex.
const keyLen = len(keyPrefix) + 2 + 1 + 2*sha256.Size - 2

// Key is a content address: "sha256/ab/cdef…", the lower-case hex SHA-256 of
// the object with its first two hex characters as a folder, so no directory or
// listing page grows beyond 256 fan-out entries. The same string is the file
// path under a Dir and the object name in a bucket.
type Key string

// KeyOf returns the key for a SHA-256 sum, as computed while spooling an
// upload.
func KeyOf(sum [32]byte) Key {
	h := hex.EncodeToString(sum[:])
	return Key(keyPrefix + h[:2] + "/" + h[2:])
}

// ParseKey checks that s is exactly a canonical key: the "sha256/" prefix,
// lower-case hex only and the single folder separator in place. Nothing else
// is accepted (no "..", no extra slashes, no upper case), so a key that passed
// ParseKey is safe to join onto a directory or use as an object name.
func ParseKey(s string) (Key, error) {
	if len(s) != keyLen || s[:len(keyPrefix)] != keyPrefix || s[len(keyPrefix)+2] != '/' {
		return "", fmt.Errorf("parse key %q: %w", truncate(s), ErrInvalidKey)
	}
	for i := len(keyPrefix); i < len(s); i++ {
		if i == len(keyPrefix)+2 {
			continue
		}
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return "", fmt.Errorf("parse key %q: %w", truncate(s), ErrInvalidKey)
		}
	}
	return Key(s), nil
}

// String returns the key as stored.
func (k Key) String() string { return string(k) }

// Sum returns the SHA-256 the key names. It is only meaningful for a valid key
// (see Validate); an invalid key yields the zero sum.
func (k Key) Sum() [32]byte {
	var sum [32]byte
	if k.Validate() != nil {
		return sum
	}
	s := string(k)
	h := s[len(keyPrefix):len(keyPrefix)+2] + s[len(keyPrefix)+3:]
	if _, err := hex.Decode(sum[:], []byte(h)); err != nil {
		return [32]byte{}
	}
	return sum
}

// Validate reports whether k is canonical. Key is a string type, so a value
// can be converted from anything; every store validates before use.
func (k Key) Validate() error {
	_, err := ParseKey(string(k))
	return err
}

// truncate keeps error messages short when a caller passes junk as a key.
func truncate(s string) string {
	const max = 80
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
