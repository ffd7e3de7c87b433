package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// stepper runs named browser steps; a failed step saves a screenshot into the test's temp folder
// (or COURTDESK_SHOTS) before failing the test.
func stepper(t *testing.T, ctx context.Context) func(name string, actions ...chromedp.Action[chromedp.Void]) {
	shots := t.TempDir()
	return func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 45*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			if png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100)); err == nil {
				file := filepath.Join(shots, "failure.png")
				if d := os.Getenv("COURTDESK_SHOTS"); d != "" {
					file = filepath.Join(d, "failure.png")
				}
				if os.WriteFile(file, png, 0o644) == nil {
					t.Logf("screenshot: %s", file)
				}
			}
			t.Fatalf("%s: %v", name, err)
		}
	}
}

// evalJS runs a script in the page as one step.
func evalJS(script string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[any](script)(ctx, t)
		return chromedp.Void{}, err
	}
}

// login signs in through the login page.
func loginSteps(base, user, password string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/login"),
		chromedp.WaitVisible(`#login-form`),
		chromedp.SendKeys(`#username`, user),
		chromedp.SendKeys(`#password`, password),
		chromedp.Click(`#login-submit`),
	}
}

// saveShot writes a full-page screenshot into COURTDESK_SHOTS, for a person to look at.
func saveShot(name string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		png, err := chromedp.FullScreenshot(100)(ctx, t)
		if err != nil {
			return chromedp.Void{}, err
		}
		return chromedp.Void{}, os.WriteFile(filepath.Join(os.Getenv("COURTDESK_SHOTS"), name), png, 0o644)
	}
}
