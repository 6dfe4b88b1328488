# syntax=docker/dockerfile:1
# First version: builds the workspace and runs the controller. The shipping issue finishes it
# (base image argument, rclone/restic/sqlite3, HEALTHCHECK, read-only root, size).
ARG BASE_IMAGE=node:22-bookworm-slim

FROM ${BASE_IMAGE} AS build
WORKDIR /src
RUN npm i -g pnpm@9.15.9
COPY . .
RUN pnpm install --frozen-lockfile && pnpm exec turbo run build --filter=@baqup/controller... --filter=@baqup/cli...

FROM ${BASE_IMAGE}
WORKDIR /app
COPY --from=build /src /app
ENV BAQUP_DATA_DIR=/data
VOLUME ["/data"]
ENTRYPOINT ["node", "/app/apps/controller/dist/main.js"]
