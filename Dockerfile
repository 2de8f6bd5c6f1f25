# The operator image: a static binary on distroless, non-root. (No Docker engine runs on
# our build machines; the chart's tests run the same binary out of cluster instead.)
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/manager . && \
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/kubectl-followup ./cmd/kubectl-followup

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/manager /manager
COPY --from=build /out/kubectl-followup /kubectl-followup
USER 65532:65532
ENTRYPOINT ["/manager"]
