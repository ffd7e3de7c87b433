# CourtDesk: one static binary (SQLite and PostgreSQL drivers are pure Go) on a small base that
# has wget for the health check. Build: docker build -t courtdesk .
FROM golang:1.26-alpine AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/courtdesk ./server

FROM alpine:3.22
# The data directory holds this replica's Bleve index (and, with SQLite, the database and the
# visitor-token secret); it belongs to the unprivileged user the service runs as.
RUN addgroup -S -g 10001 courtdesk && adduser -S -u 10001 -G courtdesk -h /data courtdesk \
    && mkdir -p /data && chown courtdesk:courtdesk /data
COPY --from=build /out/courtdesk /usr/local/bin/courtdesk
USER 10001:10001
ENV COURTDESK_ADDR=0.0.0.0:8080 \
    COURTDESK_DATA=/data \
    COURTDESK_LOG_FORMAT=json
VOLUME /data
EXPOSE 8080
# /healthz answers while the process lives; the proxy routes on /readyz (store and index ready).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD wget -q -O /dev/null http://127.0.0.1:8080/healthz || exit 1
# SIGTERM tells every socket the service is restarting (close code 1012) and drains requests
# within the shutdown grace (10 s); compose gives the container 20 s to stop.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/courtdesk"]
CMD ["serve"]
