(function(){
var errors=[];
window.addEventListener('error',function(e){if(e instanceof ErrorEvent){errors.push(String(e.message))}});
var shots=Array.prototype.slice.call(document.querySelectorAll('img.shot'));
var box=document.getElementById('lightbox'),big=document.getElementById('lightbox-img'),cap=document.getElementById('lightbox-caption'),at=-1;
function show(i){at=(i+shots.length)%shots.length;big.src=shots[at].src;cap.textContent=shots[at].getAttribute('data-name');box.hidden=false}
function hide(){box.hidden=true;big.removeAttribute('src');at=-1}
shots.forEach(function(img,i){img.addEventListener('click',function(){show(i)})});
box.addEventListener('click',hide);
document.addEventListener('keydown',function(e){if(at<0)return;if(e.key==='Escape')hide();else if(e.key==='ArrowRight')show(at+1);else if(e.key==='ArrowLeft')show(at-1)});
window.addEventListener('load',function(){
var ok=shots.filter(function(i){return i.complete&&i.naturalWidth>0});
var bad=shots.filter(function(i){return !(i.complete&&i.naturalWidth>0)}).map(function(i){return i.getAttribute('data-name')});
var out=document.getElementById('pvrun-check');
out.setAttribute('data-loaded',String(ok.length));
out.setAttribute('data-errors',String(errors.length));
out.textContent=ok.length+' of '+shots.length+' images shown'+(bad.length?'; not shown: '+bad.join(', '):'')+(errors.length?'; script errors: '+errors.join('; '):'');
});
})();
