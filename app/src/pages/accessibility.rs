//! The accessibility statement (toegankelijkheidsverklaring) that the
//! Besluit digitale toegankelijkheid overheid asks for: the standard, how
//! Dialoog is tested, what is known not to work yet, and where to report a
//! problem. For everyone, signed in or not; linked from every page's footer.

use crate::api::auth::accessibility_contact;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Statement() -> impl IntoView {
    let contact = Resource::new(|| (), |_| accessibility_contact());
    view! {
        <Title text="Toegankelijkheid · Dialoog"/>
        <h1 class="utrecht-heading-1">"Toegankelijkheidsverklaring"</h1>
        <p>"Iedereen moet met Dialoog kunnen werken: inkopers, beoordelaars, gemeenten en zorgaanbieders, ook wie slecht ziet, "
            "alleen een toetsenbord gebruikt of een schermlezer. Deze verklaring zegt hoe toegankelijk Dialoog is en wat nog niet goed werkt."</p>

        <h2 class="utrecht-heading-2">"De norm"</h2>
        <p>"Overheidsorganisaties moeten voldoen aan het Besluit digitale toegankelijkheid overheid. Dat vraagt de Europese norm "
            "EN 301 549, met daarin de richtlijnen WCAG 2.1 op niveau A en AA."</p>
        <p data-testid="nalevingsstatus"><strong>"Stand: voldoet gedeeltelijk."</strong>" De hieronder genoemde onderdelen voldoen nog niet."</p>

        <h2 class="utrecht-heading-2">"Hoe we dat controleren"</h2>
        <ul>
            <li>"Bij elke wijziging doorlopen geautomatiseerde tests de hele aanbesteding in een echte browser, in elke rol. "
                "De schermen van die tocht worden daarbij gecontroleerd met axe-core op de regels van WCAG 2.1 A en AA; er mogen geen fouten zijn."</li>
            <li>"Elk scherm werkt ook zonder JavaScript: formulieren versturen gewoon, meldingen staan op de pagina."</li>
            <li>"De documenten die Dialoog maakt (proces-verbaal, Nota's van Inlichtingen, beoordelingsrapport, brieven, contractoverzicht, "
                "ontvangstbevestiging) zijn PDF-bestanden met structuur, volgens PDF/UA-1 en PDF/A-2a; een controleprogramma keurt ze bij elke test."</li>
            <li>"Een volledig handmatig onderzoek door een onafhankelijke deskundige is nog niet gedaan."</li>
        </ul>

        <h2 class="utrecht-heading-2">"Wat nog niet goed werkt"</h2>
        <ul data-testid="beperkingen">
            <li>"Op een smal scherm (een telefoon) of bij sterk vergroten moet u op sommige pagina's opzij schuiven, vooral bij brede tabellen zoals de scorematrix (WCAG 1.4.10)."</li>
            <li>"Niet elk tekstveld zegt vooraf hoe lang de tekst mag zijn; een te lange tekst krijgt pas na versturen een melding."</li>
            <li>"Een foutmelding staat nog niet bij elk formulier direct bij het veld waar het om gaat (WCAG 3.3.1)."</li>
            <li>"De tijdlijn van het contract is een afbeelding met een tekstalternatief; dezelfde gegevens staan in een tabel eronder."</li>
            <li>"Spreadsheets (Excel) en het dossier (ZIP) zijn bestanden om verder mee te werken; ze zijn niet op toegankelijkheid getoetst."</li>
        </ul>
        <p>"We werken deze punten weg; deze verklaring wordt dan bijgewerkt."</p>

        <h2 class="utrecht-heading-2">"Een probleem melden"</h2>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match contact.await.ok().flatten() {
                    Some(c) if c.contains('@') => view! {
                        <p data-testid="contact">"Loopt u tegen iets aan dat niet werkt? Mail naar "<a href=format!("mailto:{c}")>{c.clone()}</a>
                            ". U krijgt binnen vijf werkdagen antwoord."</p>
                    }.into_any(),
                    Some(c) => view! {
                        <p data-testid="contact">"Loopt u tegen iets aan dat niet werkt? Meld het via "<a href=c.clone()>{c.clone()}</a>
                            ". U krijgt binnen vijf werkdagen antwoord."</p>
                    }.into_any(),
                    None => view! {
                        <p data-testid="contact">"Loopt u tegen iets aan dat niet werkt? Meld het bij de functioneel beheerder van uw organisatie, "
                            "of als zorgaanbieder bij de inkoper van de aanbesteding (de contactgegevens staan in de aanbestedingsleidraad). "
                            "U krijgt binnen vijf werkdagen antwoord."</p>
                    }.into_any(),
                }
            })}
        </Suspense>
        <p>"Krijgt u geen antwoord, of bent u het er niet mee eens? Dan kunt u terecht bij de Nationale ombudsman."</p>
    }
}
