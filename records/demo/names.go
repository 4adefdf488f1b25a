package demo

// Names are assembled from made-up parts so that no demo patient is a real
// person; a few carry accents and apostrophes so that search and printing
// are exercised on them.
var surnameStarts = []string{
	"Bramble", "Quill", "Thistle", "Marble", "Copper", "Fern", "Lantern", "Pebble", "Willow", "Hazel",
	"Cinder", "Amber", "Juniper", "Saffron", "Tumble", "Meadow", "Nettle", "Puddle", "Ember", "Sparrow",
	"Núñez", "Zoë", "Ñand", "Øster", "Brönn", "Nguyễn", "O'Dem", "Château", "Kowalsk", "Müll",
}

var surnameEnds = []string{
	"wick", "feather", "down", "worth", "stone", "by", "ford", "more", "ton", "field",
	"son", "gate", "holt", "brook", "ridge", "", "-Testa", "ery", "ling", "shaw",
}

var givenNames = []string{
	"Ada", "Bram", "Cleo", "Dmitri", "Elin", "Farid", "Greta", "Hugo", "Isla", "Jonas",
	"Kaia", "Lior", "María", "Nils", "Oona", "Pål", "Quinn", "Rosa", "Søren", "Thị Lan",
	"Uma", "Vera", "Wren", "Xiomara", "Yusuf", "Zoë", "Aurélie", "Björn", "Chloé", "Đào",
}

var middleInitials = []string{"", "", "", "A", "B", "C", "J", "L", "M", "R"}

var providerNames = []string{"Dr. Alder Testwood", "Dr. Briar Samplefield", "Dr. Cedar Mockford", "Dr. Dune Placeholder"}

var staffNames = []string{"Nurse Fennel Example", "Coder Juno Fixture"}
