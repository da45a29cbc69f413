"""Sessions, CSRF, security headers, request-size and login-rate limits."""
