// Package node is the home daemon behind `meadow node`: identity, registration,
// the lease → run → commit → reveal → upload loop, the user's caps, and the
// local dashboard. It never imports coord: the two meet through api and dataset.
package node
