# syntax=docker/dockerfile:1
# Build: a static binary (pure-Go SQLite, no cgo).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/releasegate ./cmd/releasegate \
 && mkdir -p /out/data

# Run: no shell, no package manager, a non-root user.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/releasegate /usr/local/bin/releasegate
COPY --from=build --chown=nonroot:nonroot /out/data /data
USER nonroot:nonroot
ENV RG_ADDR=0.0.0.0:8080 RG_DATA_DIR=/data
EXPOSE 8080
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/usr/local/bin/releasegate", "health", "--url", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["/usr/local/bin/releasegate"]
CMD ["all"]
