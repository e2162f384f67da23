package host

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"

	"github.com/wasmpages/wasmpages/host/internal/cluster"
	"github.com/wasmpages/wasmpages/host/internal/secrets"
)

// headerSecrets carries a deploy's change to the project's secrets, as
// base64 of a secretsChange in JSON: the admin API's body is the bundle.
const headerSecrets = "X-Deploy-Secrets"

// secretsChange is what a deploy does to the secrets of the active
// deployment: the new deployment has those, with Set set and Drop
// removed; with Replace, it has Set alone. The values travel only between
// the deploy command and the node, which seals them before they reach the
// control plane.
type secretsChange struct {
	Set     map[string]string `json:"set,omitempty"`
	Drop    []string          `json:"drop,omitempty"`
	Replace bool              `json:"replace,omitempty"`
}

func (c secretsChange) empty() bool { return len(c.Set) == 0 && len(c.Drop) == 0 && !c.Replace }

// encode returns the header's value for c.
func (c secretsChange) encode() (string, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

func decodeSecretsChange(v string) (secretsChange, error) {
	var c secretsChange
	if v == "" {
		return c, nil
	}
	b, err := base64.StdEncoding.DecodeString(v)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil {
		return c, fmt.Errorf("%s: not base64 of {\"set\":{...},\"drop\":[...]}: %v", headerSecrets, err)
	}
	return c, c.check()
}

// check reports the first problem with a change, as the deploy command
// (before it uploads anything) and the node both see it.
func (c secretsChange) check() error {
	if c.Replace && len(c.Drop) > 0 {
		return fmt.Errorf("replacing the secrets drops every one not set: drop none")
	}
	for _, name := range c.Drop {
		if err := secrets.CheckName(name); err != nil {
			return err
		}
		if _, ok := c.Set[name]; ok {
			return fmt.Errorf("secret %s is both set and dropped", name)
		}
	}
	return secrets.Check(c.Set)
}

// nextSecrets returns the sealed secrets of deployment id of a project,
// whose active deployment (if any) is in prev, after change, and the
// secrets themselves. Unchanged secrets of the same bundle keep their
// sealed form, so that redeploying them changes nothing.
func (n *node) nextSecrets(prev *cluster.Project, project, id string, change secretsChange) (sealed []byte, next map[string]string, err error) {
	cur := map[string]string{}
	var curSealed []byte
	if prev != nil && !change.Replace {
		if cur, err = n.box.Open(project, prev.Active.ID, prev.Active.Secrets); err != nil {
			return nil, nil, fmt.Errorf("reading the active deployment's secrets, to keep them: %w; deploy with --replace-secrets and every secret set again", err)
		}
		curSealed = prev.Active.Secrets
	}
	next = maps.Clone(cur)
	maps.Copy(next, change.Set)
	for _, name := range change.Drop {
		if _, ok := next[name]; !ok {
			return nil, nil, fmt.Errorf("secret %s cannot be dropped: the active deployment has no such secret", name)
		}
		delete(next, name)
	}
	if prev != nil && prev.Active.ID == id && !change.Replace && maps.Equal(next, cur) {
		return curSealed, next, nil
	}
	if err := secrets.Check(next); err != nil {
		return nil, nil, err
	}
	sealed, err = n.box.Seal(project, id, next)
	return sealed, next, err
}
