package host

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/wasmpages/wasmpages/host/internal/cluster"
)

// AdminOptions say which node's admin API a command talks to.
type AdminOptions struct {
	// URL is the admin API of any node, e.g. http://127.0.0.1:7070.
	URL string
	// Token is the node's admin token.
	Token string
	// Out receives what the command prints.
	Out io.Writer
}

// adminClient calls a node's admin API.
type adminClient struct {
	url, token string
	http       *http.Client
}

func newAdminClient(o AdminOptions) (*adminClient, error) {
	if o.URL == "" {
		return nil, errors.New("no admin URL: pass --to http://HOST:PORT (the admin.listen of a node) or set WASMPAGES_URL")
	}
	if o.Token == "" {
		return nil, errors.New("no admin token: pass --token or set WASMPAGES_TOKEN to the contents of the node's admin.token_file")
	}
	return &adminClient{url: strings.TrimRight(o.URL, "/"), token: o.Token, http: &http.Client{}}, nil
}

// call sends a request and decodes a JSON answer into out; an error answer
// becomes an error that says what to do.
func (c *adminClient) call(ctx context.Context, method, path string, body io.Reader, header http.Header, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.url+path, body)
	if err != nil {
		return fmt.Errorf("bad admin URL %q: %w", c.url, err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach the admin API at %s: %w (is the node running, and is the URL its admin.listen?)", c.url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		var e apiError
		if json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&e) != nil || e.Error == "" {
			e.Error = resp.Status
		}
		if resp.StatusCode == http.StatusUnauthorized {
			return fmt.Errorf("the node refused the admin token (401): check --token or WASMPAGES_TOKEN against its admin.token_file")
		}
		return &adminError{Status: resp.StatusCode, Msg: e.Error}
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("reading the admin API's answer: %w", err)
	}
	return nil
}

// adminError is an error answer of the admin API.
type adminError struct {
	Status int
	Msg    string
}

func (e *adminError) Error() string { return e.Msg }

// Deployments prints a project's deployments, newest first, marking the
// active one.
func Deployments(ctx context.Context, o AdminOptions, project string) error {
	c, err := newAdminClient(o)
	if err != nil {
		return err
	}
	var p cluster.Project
	if err := c.call(ctx, "GET", "/v1/projects/"+project+"/deployments", nil, nil, &p); err != nil {
		return err
	}
	fmt.Fprintf(o.Out, "%1s %-12s  %-20s  %9s  %s\n", "", "DEPLOYMENT", "CREATED", "SIZE", "SOURCE")
	for _, d := range p.History {
		mark := ""
		if d.ID == p.Active.ID {
			mark = "*"
		}
		fmt.Fprintf(o.Out, "%1s %-12s  %-20s  %9s  %s\n", mark, short(d.ID), d.Created.Local().Format("2006-01-02 15:04:05"), sizeString(d.Size), d.Source)
	}
	return nil
}

// Rollback makes an earlier deployment of a project active again: id, or
// a unique prefix of it, or when empty the one before the active one.
func Rollback(ctx context.Context, o AdminOptions, project, id string) error {
	c, err := newAdminClient(o)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(rollbackRequest{ID: id})
	var res deployResult
	if err := c.call(ctx, "POST", "/v1/projects/"+project+"/rollback", strings.NewReader(string(body)), http.Header{"Content-Type": {"application/json"}}, &res); err != nil {
		return err
	}
	fmt.Fprintf(o.Out, "rolled %s back to deployment %s\n", project, res.Deployment.ID)
	return waitReady(ctx, c, o.Out, project, res.Deployment.Key(), 2*time.Minute)
}

// Status prints the cluster: each region's nodes and what they serve, and
// each project's active deployment.
func Status(ctx context.Context, o AdminOptions) error {
	c, err := newAdminClient(o)
	if err != nil {
		return err
	}
	var st status
	if err := c.call(ctx, "GET", "/v1/status", nil, nil, &st); err != nil {
		return err
	}
	printStatus(o.Out, &st)
	return nil
}

// sizeString is a byte count for people.
func sizeString(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
