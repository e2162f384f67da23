// Package secrets seals a deployment's secrets for the control plane: the
// values a function reads from its environment that must never be stored
// in clear text, neither in the bundle nor in the project's record.
//
// A Box seals with AES-256-GCM under a key derived (HKDF-SHA256) from the
// cluster secret every node holds, so any node can open what another
// sealed, and the control plane alone cannot. The project and deployment
// are authenticated with each sealed value: a value copied to another
// project or deployment does not open.
package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"unicode/utf8"
)

// Limits on a deployment's secrets. They travel in the project's record
// (one NATS message, at most 1 MB, holding the 10 deployments of the
// history and the active one again, in base64), which every node reads,
// and into every instance's environment: MaxTotalSize keeps 11 sealed
// copies well under the message limit.
const (
	MaxCount     = 128
	MaxValueSize = 5 << 10
	MaxTotalSize = 32 << 10
	maxNameSize  = 256
)

// ErrOpen is returned for a sealed value that does not open: sealed under
// another cluster secret, for another project or deployment, or changed.
var ErrOpen = errors.New("the secrets do not open: they were sealed under another cluster secret, for another deployment, or changed since")

// Box seals and opens secrets under one cluster secret.
type Box struct {
	aead cipher.AEAD
}

// NewBox returns a Box keyed by the cluster secret.
func NewBox(clusterSecret []byte) (*Box, error) {
	key, err := hkdf.Key(sha256.New, clusterSecret, nil, "wasmpages deployment secrets v1", 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead}, nil
}

// Seal returns the sealed form of secrets for a project's deployment: a
// random nonce, then the ciphertext of their JSON. An empty set seals to
// nil.
func (b *Box) Seal(project, deployment string, secrets map[string]string) ([]byte, error) {
	if len(secrets) == 0 {
		return nil, nil
	}
	if err := Check(secrets); err != nil {
		return nil, err
	}
	plain, err := json.Marshal(secrets)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, b.aead.NonceSize(), b.aead.NonceSize()+len(plain)+b.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return b.aead.Seal(nonce, nonce, plain, additional(project, deployment)), nil
}

// Open returns the secrets sealed for a project's deployment; nil opens to
// an empty set.
func (b *Box) Open(project, deployment string, sealed []byte) (map[string]string, error) {
	secrets := map[string]string{}
	if len(sealed) == 0 {
		return secrets, nil
	}
	n := b.aead.NonceSize()
	if len(sealed) < n+b.aead.Overhead() {
		return nil, ErrOpen
	}
	plain, err := b.aead.Open(nil, sealed[:n], sealed[n:], additional(project, deployment))
	if err != nil {
		return nil, ErrOpen
	}
	if err := json.Unmarshal(plain, &secrets); err != nil {
		return nil, ErrOpen
	}
	return secrets, nil
}

// additional is the data authenticated with a sealed value.
func additional(project, deployment string) []byte {
	return []byte(project + "\x00" + deployment)
}

// Version names a sealed value for comparison: it changes whenever the
// secrets are sealed again, and is empty when there are none.
func Version(sealed []byte) string {
	if len(sealed) == 0 {
		return ""
	}
	sum := sha256.Sum256(sealed)
	return hex.EncodeToString(sum[:6])
}

// Check reports the first problem with a set of secrets: too many, a name
// that is not an environment variable's (letters, digits and underscores,
// not starting with a digit), a value that is not UTF-8 text or is too
// large, or too many bytes in all.
func Check(secrets map[string]string) error {
	if len(secrets) > MaxCount {
		return fmt.Errorf("%d secrets: at most %d are allowed", len(secrets), MaxCount)
	}
	total := 0
	for _, name := range slices.Sorted(maps.Keys(secrets)) {
		if err := CheckName(name); err != nil {
			return err
		}
		v := secrets[name]
		if len(v) > MaxValueSize {
			return fmt.Errorf("secret %s is %d bytes: at most %d are allowed", name, len(v), MaxValueSize)
		}
		if !utf8.ValidString(v) {
			return fmt.Errorf("secret %s is not UTF-8 text: encode binary values (base64, hex)", name)
		}
		total += len(name) + len(v)
	}
	if total > MaxTotalSize {
		return fmt.Errorf("the secrets hold %d bytes in all: at most %d are allowed", total, MaxTotalSize)
	}
	return nil
}

// CheckName reports whether name can be a secret's: an environment
// variable's name.
func CheckName(name string) error {
	ok := name != "" && len(name) <= maxNameSize && (name[0] < '0' || name[0] > '9')
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		ok = c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	if !ok {
		return fmt.Errorf("%q is not a valid secret name: use letters, digits and underscores, not starting with a digit", name)
	}
	return nil
}
