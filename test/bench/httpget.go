package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
)

// get GETs url and returns the body of a 200 answer; the caller closes it. Any other
// status is an error carrying the start of the body (the apiserver says why there).
func get(ctx context.Context, c *http.Client, url string) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s: HTTP %d: %s", url, resp.StatusCode, b)
	}
	return resp.Body, nil
}

// scrapeSamples reads a Prometheus /metrics URL, keeping the samples named (all when
// none is).
func scrapeSamples(ctx context.Context, c *http.Client, url string, names ...string) (samples, error) {
	body, err := get(ctx, c, url)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	return parseSamples(body, names...)
}

// download saves what url answers (a pprof profile) in the file path.
func download(ctx context.Context, c *http.Client, url, path string) error {
	body, err := get(ctx, c, url)
	if err != nil {
		return err
	}
	defer body.Close()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, body)
	return errors.Join(err, f.Close())
}
