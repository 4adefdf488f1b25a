package records

import "context"

// Actor is the signed-in user on whose behalf a service call runs.
type Actor struct {
	UserID   ID
	Username string
	Role     Role
	// DisplayName is how people know the user ("Casey Clerk"); the desk
	// shows it. Empty when the store did not fill it.
	DisplayName string
}

type actorKey struct{}

// WithActor returns a context that carries the signed-in user.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the signed-in user of ctx, if any.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok && a.UserID != 0
}

// Require returns the actor of ctx when it has at least role min, or an
// error saying why not. Services call it first, so roles hold whatever face
// (screen, command line) made the call.
func Require(ctx context.Context, min Role, what string) (Actor, error) {
	a, ok := ActorFrom(ctx)
	if !ok {
		return Actor{}, Errorf(EUnauthorized, "sign in first to %s", what)
	}
	if !a.Role.AtLeast(min) {
		return a, Errorf(EForbidden, "only a user with the %s role or higher may %s; %s is a %s", min, what, a.Username, a.Role)
	}
	return a, nil
}
